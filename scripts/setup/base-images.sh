# shellcheck shell=bash
# The base images the image tests build on: local, pulled, or stand-ins built by scripts/base-images.
scripts/base-images "$DEBIAN_IMAGE" "$TEST_NODE_IMAGE"
