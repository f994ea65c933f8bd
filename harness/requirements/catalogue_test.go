package requirements_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/paycert/paycert/harness/requirements"
)

func TestLoadMergesAndChecks(t *testing.T) {
	good := "catalogue: a\nrequirements:\n  - id: AAA-PAY-001\n    level: MUST\n    flow: init\n    text: t\n    source: s\n"
	other := "catalogue: b\nrequirements:\n  - id: BBB-PAY-001\n    level: MAY\n    flow: refund\n    text: t\n    source: s\n    needs: [otp]\n"
	fsys := fstest.MapFS{"a.yaml": {Data: []byte(good)}, "b.yaml": {Data: []byte(other)}}
	c, err := requirements.Load(fsys, "a.yaml", "b.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.IDs(), ","); got != "AAA-PAY-001,BBB-PAY-001" {
		t.Errorf("IDs %s", got)
	}
	if r, ok := c.Get("BBB-PAY-001"); !ok || r.Needs[0] != "otp" {
		t.Errorf("Get: %+v", r)
	}
	if _, ok := c.Get("CCC-PAY-001"); ok {
		t.Error("found an ID that is not there")
	}

	bad := map[string]string{
		"duplicate": good + "  - id: AAA-PAY-001\n    level: MUST\n    flow: init\n    text: t\n    source: s\n",
		"bad level": strings.Replace(good, "MUST", "MUSTN'T", 1),
		"bad flow":  strings.Replace(good, "flow: init", "flow: dance", 1),
		"bad id":    strings.Replace(good, "AAA-PAY-001", "pay-1", 1),
		"no source": strings.Replace(good, "source: s", "source: ''", 1),
		"typo key":  strings.Replace(good, "text:", "txt:", 1),
	}
	for name, text := range bad {
		if _, err := requirements.Load(fstest.MapFS{"x.yaml": {Data: []byte(text)}}, "x.yaml"); err == nil {
			t.Errorf("%s: loaded", name)
		}
	}
}
