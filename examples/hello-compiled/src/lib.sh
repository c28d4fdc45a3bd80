greet() {
    printf 'Hello, %s! (hello %s, built by builder)\n' "$1" "$VERSION"
}
