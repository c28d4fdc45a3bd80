# Shared by the history generators: a deterministic git repository (fixed author, one minute per commit,
# so the same script makes the same commit ids everywhere). Sourced, not run.
set -euo pipefail
export GIT_AUTHOR_NAME="Replay Fixture" GIT_AUTHOR_EMAIL="fixture@example.invalid"
export GIT_COMMITTER_NAME="Replay Fixture" GIT_COMMITTER_EMAIL="fixture@example.invalid"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
history_tick=0

history_init() {
    local dir=$1
    if [ -e "$dir" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
        echo "$0: $dir exists and is not empty" >&2
        exit 1
    fi
    mkdir -p "$dir"
    cd "$dir"
    git init -q -b main .
    git config commit.gpgsign false
}

# commit MESSAGE: commits everything in the work tree.
commit() {
    history_tick=$((history_tick + 1))
    local when=$((1767225600 + history_tick * 60))
    git add -A
    GIT_AUTHOR_DATE="@$when +0000" GIT_COMMITTER_DATE="@$when +0000" git commit -q --allow-empty -m "$1"
}
