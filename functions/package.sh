#!/usr/bin/env bash
# Builds the functions' deployable archive: functions/target/function-source.zip holds the shaded jar,
# which the Cloud Functions Java buildpack runs as it is (no build from source in the cloud).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
mvn -q -B -DskipTests -Dspotless.check.skip=true -pl functions -am package
rm -rf functions/target/function-source functions/target/function-source.zip
mkdir -p functions/target/function-source
cp functions/target/failover-functions.jar functions/target/function-source/
(cd functions/target/function-source && python3 -c "import zipfile,sys; z=zipfile.ZipFile('../function-source.zip','w',zipfile.ZIP_DEFLATED); z.write('failover-functions.jar'); z.close()")
ls -l functions/target/function-source.zip
