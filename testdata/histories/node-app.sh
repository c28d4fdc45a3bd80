#!/usr/bin/env bash
# A Node-style app: the source changes in almost every commit, the dependencies (package.json and
# package-lock.json) in two, the README now and then. Its Dockerfile copies everything before "npm ci",
# so the install re-runs on every source change: the case for copying the manifests first.
# Usage: node-app.sh DIR [COMMITS]   (default 24 commits; base image builder-tools:local, see base/)
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
dir=${1:?usage: node-app.sh DIR [COMMITS]}
commits=${2:-24}
history_init "$dir"

cat > Dockerfile <<'D'
FROM builder-tools:local
WORKDIR /app
COPY . .
RUN npm ci
RUN npm run build
CMD ["node", "dist/bundle.js"]
D
printf 'node_modules\ndist\n' > .dockerignore
deps() {
    { echo '{'; echo '  "name": "shop",'; echo '  "version": "1.0.0",'; echo '  "dependencies": {'
      local first=1
      for d in "$@"; do [ $first = 1 ] || echo ','; first=0; printf '    "%s": "^%s"' "${d%@*}" "${d#*@}"; done
      echo; echo '  }'; echo '}'; } > package.json
    { echo '{'; echo '  "lockfileVersion": 3,'; echo '  "packages": {'
      for d in "$@"; do printf '    "%s": "%s",\n' "${d%@*}" "${d#*@}"; done
      echo '    "shop": "1.0.0"'; echo '  }'; echo '}'; } > package-lock.json
}
deps express@4.18.2 lodash@4.17.21 uuid@9.0.1 debug@4.3.4 ms@2.1.3
mkdir -p src
echo "const express = require('express'); // entry" > src/index.js
echo "module.exports = { price: (n) => n * 100 };" > src/cart.js
echo "# Shop" > README.md
commit "initial shop service"

n=1
while [ "$n" -lt "$commits" ]; do
    n=$((n + 1))
    case $((n % 12)) in
    5)  deps express@4.18.2 lodash@4.17.21 uuid@9.0.1 debug@4.3.4 ms@2.1.3 "cookie@0.$n.0"
        commit "deps: add cookie 0.$n.0" ;;
    9)  echo "Release notes for build $n." >> README.md
        commit "docs: release notes $n" ;;
    *)  echo "module.exports.v$n = () => $n; // feature $n" >> "src/feature$((n % 4)).js"
        echo "// touched by change $n" >> src/index.js
        commit "feature $n" ;;
    esac
done
echo "node-app: $(git rev-list --count HEAD) commits in $dir"
