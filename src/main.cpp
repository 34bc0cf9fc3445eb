#include "cli/cli.h"

int main(int argc, char** argv) { return goldset::cli::Main(argc, argv); }
