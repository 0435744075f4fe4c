# Writes the build identity header at build time, so --version and every results file name the
# commit actually built ("-dirty" when the tree had uncommitted changes). configure_file only
# touches the file when the text changes, so nothing recompiles needlessly.
# Inputs: SOURCE_DIR, INPUT (version.hpp.in), OUTPUT, PROJECT_VERSION.
execute_process(COMMAND git describe --always --dirty --abbrev=12 --match=NeVeRmAtCh
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE APMSIM_GIT_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET)
if(NOT APMSIM_GIT_COMMIT)
  set(APMSIM_GIT_COMMIT "unknown")
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
