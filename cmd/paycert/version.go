package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at link time for release archives (-ldflags "-X main.version=v1.2.0").
var version string

// versionString names this build: the release version, the module version `go install …@v1.2.0`
// recorded, or the source revision of a checkout build.
func versionString() string {
	v := version
	info, ok := debug.ReadBuildInfo()
	if v == "" && ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v = info.Main.Version
	}
	if v == "" {
		v = "devel"
		if ok {
			var rev, dirty string
			for _, s := range info.Settings {
				switch {
				case s.Key == "vcs.revision" && len(s.Value) >= 12:
					rev = s.Value[:12]
				case s.Key == "vcs.modified" && s.Value == "true":
					dirty = "+changes"
				}
			}
			if rev != "" {
				v += " " + rev + dirty
			}
		}
	}
	return fmt.Sprintf("paycert %s (%s, %s/%s)", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func cmdVersion(stdout io.Writer) {
	fmt.Fprintln(stdout, versionString())
}
