// Package paycert holds the transcribed provider specifications and schemas that every other
// package loads: the OpenAPI documents and requirement catalogues under specs/ and the JSON
// Schemas under schemas/, embedded so that a built binary carries them.
package paycert

import (
	"embed"
	"io/fs"
	"os"
)

//go:embed specs/*.yaml specs/examples schemas
var assets embed.FS

// Assets returns the specifications and schemas: the embedded copy, or, when dir is not empty, the
// tree rooted at dir (a checkout's top folder), so that an edited spec can be tried without a
// rebuild. Paths inside are "specs/…" and "schemas/…".
func Assets(dir string) fs.FS {
	if dir != "" {
		return os.DirFS(dir)
	}
	return assets
}
