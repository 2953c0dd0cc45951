# The browser test's setup: `npm ci` of tests/browser's lockfile into the build tree (DST), so
# a clean clone needs only npm and the registry. Skipped when DST already holds that lockfile's
# install, so that reruns work offline and fast.
# Usage: cmake -DNPM=npm -DSRC=tests/browser -DDST=build/tests/browser -P npm-ci.cmake
if(NOT NPM)
  message(FATAL_ERROR "npm not found: scripts/install-deps installs it (the browser test needs it)")
endif()
file(MAKE_DIRECTORY "${DST}")
file(SHA256 "${SRC}/package-lock.json" wanted)
if(EXISTS "${DST}/installed.sha256")
  file(READ "${DST}/installed.sha256" have)
  if(have STREQUAL wanted AND EXISTS "${DST}/node_modules/puppeteer-core")
    return()
  endif()
endif()
file(COPY "${SRC}/package.json" "${SRC}/package-lock.json" DESTINATION "${DST}")
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund WORKING_DIRECTORY "${DST}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "npm ci in ${DST} failed (${rc})")
endif()
file(WRITE "${DST}/installed.sha256" "${wanted}")
