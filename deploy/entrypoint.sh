#!/bin/sh
# Starts the Tusk app named by $APP (driver | worker | parameter-server | cli).
# exec keeps node as the process that receives the container's signals.
set -eu

app="${APP:-driver}"
case "$app" in
  driver | worker | parameter-server)
    main="dist/apps/$app/src/main.js"
    ;;
  cli)
    main="dist/apps/cli/main.js"
    [ -f "$main" ] || main="dist/apps/cli/src/main.js"
    ;;
  *)
    echo "entrypoint: unknown APP '$app' (expected driver, worker, parameter-server or cli)" >&2
    exit 64
    ;;
esac

if [ ! -f "$main" ]; then
  echo "entrypoint: $main not found in $(pwd); was the image built with 'npm run build'?" >&2
  exit 66
fi

exec node "$main" "$@"
