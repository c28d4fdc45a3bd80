#!/usr/bin/env bash
# A Python-style service whose repository also holds a build log and a build stamp that change in every
# commit (committed by a careless CI job). The Dockerfile declares ARG GIT_COMMIT (pass
# --build-arg GIT_COMMIT={commit}) before the install step, and copies everything: every commit misses.
# Usage: log-dir.sh DIR [COMMITS]   (default 24 commits; base image builder-tools:local)
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/lib.sh"
dir=${1:?usage: log-dir.sh DIR [COMMITS]}
commits=${2:-24}
history_init "$dir"

cat > Dockerfile <<'D'
FROM builder-tools:local
WORKDIR /srv
ARG GIT_COMMIT=unknown
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN python -m compileall app
LABEL org.opencontainers.image.revision=$GIT_COMMIT
CMD ["python", "app/main.py"]
D
mkdir -p app logs build
printf 'flask==3.0.0\nrequests==2.31.0\n' > requirements.txt
echo 'print("hello")' > app/main.py
echo 'def util(): pass' > app/util.py
echo "build 1 ok" > logs/build.log
echo "1" > build/stamp.txt
commit "initial service"

n=1
while [ "$n" -lt "$commits" ]; do
    n=$((n + 1))
    echo "build $n ok" >> logs/build.log
    echo "$n" > build/stamp.txt
    case $((n % 10)) in
    5)  echo "gunicorn==21.$n.0" >> requirements.txt
        commit "add gunicorn 21.$n" ;;
    0|3|7)
        echo "def f$n(): return $n" >> app/util.py
        commit "app: change $n" ;;
    *)  commit "ci: build $n" ;;
    esac
done
echo "log-dir: $(git rev-list --count HEAD) commits in $dir"
