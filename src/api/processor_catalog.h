// The EntityCatalog backed by the processor store. The store must outlive the catalog.
#pragma once

#include <memory>

#include "api/entity_catalog.h"
#include "store/processor_store.h"

namespace goldset::api {

std::unique_ptr<EntityCatalog> MakeProcessorCatalog(store::ProcessorStore& store);

}  // namespace goldset::api
