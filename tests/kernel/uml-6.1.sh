#!/bin/sh
# check-kernel: User-Mode Linux 6.1 (see uml.sh)
exec sh "$(dirname "$0")/uml.sh" 6.1
