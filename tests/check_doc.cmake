# Fails when a generated document (docs/register-map.md, docs/settings.md, docs/bacnet-pics.md) differs from what the tool prints.
execute_process(COMMAND ${TOOL} ${FLAG} OUTPUT_VARIABLE generated RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "acurev-catalogue ${FLAG} failed")
endif()
file(READ ${DOC} committed)
if(NOT generated STREQUAL committed)
  message(FATAL_ERROR "${DOC} is out of date: run `build/bin/acurev-catalogue ${FLAG} > ${DOC}`")
endif()
