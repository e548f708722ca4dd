# libcsv ships no pkg-config file: find the header and the library.
find_path(LIBCSV_INCLUDE_DIR csv.h)
find_library(LIBCSV_LIBRARY NAMES csv)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libcsv DEFAULT_MSG LIBCSV_LIBRARY LIBCSV_INCLUDE_DIR)
if(Libcsv_FOUND AND NOT TARGET Libcsv::csv)
	add_library(Libcsv::csv UNKNOWN IMPORTED)
	set_target_properties(Libcsv::csv PROPERTIES
		IMPORTED_LOCATION "${LIBCSV_LIBRARY}"
		INTERFACE_INCLUDE_DIRECTORIES "${LIBCSV_INCLUDE_DIR}")
endif()
