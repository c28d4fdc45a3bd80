out=$(APP_HOME=/app sh /app/app/main.sh)
case "$out" in *flask*) echo "test passed" ;; *) echo "test failed: $out"; exit 1 ;; esac
