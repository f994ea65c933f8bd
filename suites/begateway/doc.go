// Package begateway holds the specs of the generic beGateway /beyag transaction API (document 003
// and specs/begateway.requirements.yaml): authentication, the generic payment fields, the answer
// and error formats, status queries, expiry, webhooks and refunds. PaySage and bePaid run on the
// same platform; each provider suite calls DescribeTransactionAPI once, so these requirements are
// tested in one place for both.
package begateway
