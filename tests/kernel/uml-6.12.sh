#!/bin/sh
# check-kernel: User-Mode Linux 6.12 (see uml.sh)
exec sh "$(dirname "$0")/uml.sh" 6.12
