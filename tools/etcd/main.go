// Command etcd is the upstream etcd server, wrapped in a module of our own
// because etcd's server module carries replace directives that `go install`
// refuses. Only kentra's end-to-end tests use it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
