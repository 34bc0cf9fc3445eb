// GET /evaluation_set_runs/{id}/analysis (run_analysis_api.cpp).
#pragma once

#include "api/router.h"

namespace goldset::api {

void RegisterRunAnalysisRoutes(Router& r);

}  // namespace goldset::api
