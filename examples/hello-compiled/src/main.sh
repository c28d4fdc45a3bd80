if [ "$1" = "--self-test" ]; then
    out=$(greet test)
    case "$out" in "Hello, test!"*) echo "self-test passed"; exit 0 ;; *) echo "self-test failed: $out"; exit 1 ;; esac
fi
greet "${1:-world}"
