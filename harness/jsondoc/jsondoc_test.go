package jsondoc_test

import (
	"encoding/json"
	"testing"

	"github.com/paycert/paycert/harness/jsondoc"
)

func TestGetSetDelete(t *testing.T) {
	var v any
	dec := []byte(`{"transaction":{"status":"pending","amount":1002,"list":[{"uid":"a"},{"uid":"b"}]}}`)
	if err := json.Unmarshal(dec, &v); err != nil {
		t.Fatal(err)
	}
	if jsondoc.String(v, "transaction.status") != "pending" || jsondoc.String(v, "transaction.list.1.uid") != "b" {
		t.Error("Get by path")
	}
	if n, ok := jsondoc.Int(v, "transaction.amount"); !ok || n != 1002 {
		t.Errorf("Int = %d %v", n, ok)
	}
	if _, ok := jsondoc.Get(v, "transaction.list.5"); ok {
		t.Error("an index out of range was found")
	}
	if jsondoc.String(v, "transaction.amount") != "" {
		t.Error("a number read as a string")
	}

	doc := jsondoc.Doc{"request": map[string]any{"method": map[string]any{"type": "x"}}}
	clone := jsondoc.Clone(doc)
	if err := jsondoc.Set(clone, "request.method.account_number", "1"); err != nil {
		t.Fatal(err)
	}
	if err := jsondoc.Set(clone, "request.customer.phone", "2"); err != nil {
		t.Fatal(err)
	}
	jsondoc.Delete(clone, "request.method.type")
	jsondoc.Delete(clone, "request.nothing.here")
	if jsondoc.String(doc, "request.method.type") != "x" || jsondoc.String(doc, "request.method.account_number") != "" {
		t.Error("Clone shares state with the original")
	}
	if jsondoc.String(clone, "request.customer.phone") != "2" || jsondoc.String(clone, "request.method.type") != "" {
		t.Errorf("Set/Delete: %v", clone)
	}
	if err := jsondoc.Set(clone, "request.method.account_number.x", 1); err == nil {
		t.Error("Set through a string succeeded")
	}
}
