echo "build script ran"
