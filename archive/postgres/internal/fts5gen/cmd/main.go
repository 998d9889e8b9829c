// Command fts5gen writes the tables archive/postgres cuts and folds words
// with, from what the SQLite of modernc.org/sqlite says (see package
// fts5gen): go generate in archive/postgres runs it as
//
//	go run ./internal/fts5gen/cmd fts5_tables.go
package main

import (
	"context"
	"fmt"
	"os"

	"proceedings/archive/postgres/internal/fts5gen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: fts5gen FILE.go")
		os.Exit(2)
	}
	src, err := fts5gen.Generate(context.Background())
	if err == nil {
		err = os.WriteFile(os.Args[1], src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fts5gen:", err)
		os.Exit(1)
	}
}
