# serialq_add_cli_test(NAME n ARGS a b ... EXIT code [STDOUT regex] [STDERR regex]
#                      [ONE_LINE_ERROR] [FILE path FILE_MATCHES regex])
# Runs `serialq ARGS` from the source tree as a user would, and checks the exit code and what
# it printed. ONE_LINE_ERROR also asserts that stderr is exactly one line. FILE is removed
# before the run and must exist after it, its content matching FILE_MATCHES.
function(serialq_add_cli_test)
  # PARSE_ARGV keeps a ';' inside an argument (a regex matching "first; 10 of 17"): expanding
  # ${ARGN} would split it there, and the rest of the regex would be silently dropped.
  cmake_parse_arguments(PARSE_ARGV 0 T "ONE_LINE_ERROR" "NAME;EXIT;STDOUT;STDERR;WORKDIR;FILE;FILE_MATCHES" "ARGS")
  if(T_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "serialq_add_cli_test(${T_NAME}): unexpected arguments: ${T_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT DEFINED T_WORKDIR)
    set(T_WORKDIR ${SERIALQ_SOURCE_DIR})
  endif()
  # Arguments and regexes travel with "@@" for ';' (a list separator would be split by add_test).
  string(REPLACE ";" "@@" args_escaped "${T_ARGS}")
  foreach(v STDOUT STDERR FILE_MATCHES)
    string(REPLACE ";" "@@" T_${v} "${T_${v}}")
  endforeach()
  add_test(NAME cli:${T_NAME}
    COMMAND ${CMAKE_COMMAND}
      -DEXE=$<TARGET_FILE:serialq>
      "-DARGS=${args_escaped}"
      -DEXPECT_EXIT=${T_EXIT}
      "-DEXPECT_STDOUT=${T_STDOUT}"
      "-DEXPECT_STDERR=${T_STDERR}"
      -DONE_LINE_ERROR=${T_ONE_LINE_ERROR}
      "-DEXPECT_FILE=${T_FILE}"
      "-DEXPECT_FILE_MATCHES=${T_FILE_MATCHES}"
      -P ${SERIALQ_SOURCE_DIR}/tests/cli/run_cli.cmake
    WORKING_DIRECTORY ${T_WORKDIR})
  set_tests_properties(cli:${T_NAME} PROPERTIES TIMEOUT 600)
endfunction()

# serialq_cli_tests_require(FIXTURE REGEX): every test defined so far in this directory whose
# name matches REGEX also requires FIXTURE (its own setup test aside), keeping the fixtures it
# already required: an area's tests then run after the test that cleans its output folder.
function(serialq_cli_tests_require fixture regex)
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(t ${tests})
    get_test_property(${t} FIXTURES_SETUP sets_up)
    if(NOT t MATCHES "${regex}" OR sets_up STREQUAL fixture)
      continue()
    endif()
    get_test_property(${t} FIXTURES_REQUIRED required)
    if(NOT required)
      set(required "")
    endif()
    set_tests_properties(${t} PROPERTIES FIXTURES_REQUIRED "${required};${fixture}")
  endforeach()
endfunction()
