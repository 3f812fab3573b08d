# Fails when docs/register-map.md differs from what the catalogue generates.
execute_process(COMMAND ${TOOL} --markdown OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "acurev-catalogue failed")
endif()
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "docs/register-map.md is out of date: run `build/bin/acurev-catalogue --markdown > docs/register-map.md`")
endif()
