package conformance

import (
	"testing"
	"time"

	"github.com/paycert/paycert/harness/budget"
	"github.com/paycert/paycert/harness/target"
)

func TestBudgetLimits(t *testing.T) {
	s := Suite{Provider: "freedompay", Budget: budget.Limits{MinInterval: 2 * time.Second, PerMinute: 30, Source: "documents"}}
	sandbox := target.Config{Budget: target.BudgetAuto, Providers: map[string]target.Provider{"freedompay": {}}}
	withControl := sandbox
	withControl.ControlURL = "http://127.0.0.1:1/control"
	embedded := sandbox
	embedded.Embedded = true
	asked := embedded
	asked.Providers = map[string]target.Provider{"freedompay": {Budget: target.BudgetOverride{PerMinute: 10}}}
	on, off := embedded, sandbox
	on.Budget, off.Budget = target.BudgetOn, target.BudgetOff
	zero := sandbox
	zero.Providers = map[string]target.Provider{"freedompay": {Budget: target.BudgetOverride{MinIntervalSet: true}}}
	tests := []struct {
		name   string
		cfg    target.Config
		on     bool
		limits string
	}{
		{"a sandbox", sandbox, true, "2s apart, at most 30 a minute"},
		{"a test double", withControl, false, "2s apart, at most 30 a minute"},
		{"the embedded simulator", embedded, false, "2s apart, at most 30 a minute"},
		{"asked for on the simulator", asked, true, "2s apart, at most 10 a minute"},
		{"on", on, true, "2s apart, at most 30 a minute"},
		{"off against a sandbox", off, false, "2s apart, at most 30 a minute"},
		{"an interval of zero given", zero, true, "at most 30 a minute"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, on := s.BudgetLimits(tt.cfg)
			if on != tt.on || l.String() != tt.limits {
				t.Errorf("BudgetLimits = %s, on %v; want %s, on %v", l, on, tt.limits, tt.on)
			}
		})
	}
}

func TestSideBySide(t *testing.T) {
	tests := []struct {
		name    string
		cfg     target.Config
		setting string
	}{
		{"embedded", target.Config{Embedded: true, Callbacks: true, CallbackListen: "127.0.0.1:8099"}, ""},
		{"sandbox, callbacks off", target.Config{Callbacks: false}, ""},
		{"sandbox, a receiver each", target.Config{Callbacks: true, CallbackListen: "127.0.0.1:0"}, ""},
		{"sandbox, one receiver address", target.Config{Callbacks: true, CallbackListen: "0.0.0.0:8099"}, "PAYCERT_CALLBACK_LISTEN"},
		{"a clock the control API moves", target.Config{ControlURL: "http://127.0.0.1:1/control", Clock: "auto"}, "PAYCERT_CONTROL_URL"},
		{"a control API on the real clock", target.Config{ControlURL: "http://127.0.0.1:1/control", Clock: "real"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sideBySide(tt.cfg)
			var te *target.Error
			switch {
			case tt.setting == "" && err != nil:
				t.Errorf("refused: %v", err)
			case tt.setting != "" && (err == nil || !asTargetError(err, &te) || te.Setting != tt.setting):
				t.Errorf("sideBySide = %v, want an error naming %s", err, tt.setting)
			}
		})
	}
}

func asTargetError(err error, te **target.Error) bool {
	e, ok := err.(*target.Error)
	*te = e
	return ok
}
