#!/usr/bin/env bash
# Serves one function locally under the real Functions Framework invoker (1.4.3).
#   functions/run-local.sh [AlertsFunction|BuildsFunction|CommandsFunction|VerifiedCommandsFunction|TickFunction|CommandEndpointFunction] [PORT]
# The event functions take a Pub/Sub push request (POST of the wrapped message, as their push
# subscriptions send it); the endpoint takes a failover.command/v1 POST.
# Configuration comes from the environment (see README); FAILOVER_TOPOLOGY defaults to examples/topology.json.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${1:-AlertsFunction}"
port="${2:-8080}"
cd "$here"
if [ ! -f functions/target/invoker/java-function-invoker-1.4.3.jar ] || [ ! -d functions/target/fn-lib ]; then
  mvn -q -B -DskipTests -Dspotless.check.skip=true -pl functions -am install
  mvn -q -B -pl functions dependency:copy \
    -Dartifact=com.google.cloud.functions.invoker:java-function-invoker:1.4.3 -DoutputDirectory=target/invoker
  mvn -q -B -pl functions dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/fn-lib
fi
export FAILOVER_TOPOLOGY="${FAILOVER_TOPOLOGY:-$(cat examples/topology.json)}"
exec java -jar functions/target/invoker/java-function-invoker-1.4.3.jar \
  --classpath "functions/target/classes:functions/target/fn-lib/*" \
  --target "dev.failover.functions.$target" --port "$port"
