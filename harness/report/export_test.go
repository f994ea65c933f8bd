package report

import (
	"github.com/paycert/paycert/harness/exchange"
	"github.com/paycert/paycert/harness/record"
)

// DescribeForTest is the exchange as a failure message describes it.
func DescribeForTest(x record.Exchange) string { return exchange.Describe(x) }
