#!/bin/sh
# An OTP source for paycert: it asks an SMS gateway for the newest message to the customer's phone
# and prints the one-time code in it.
#
#   PAYCERT_OTP_SOURCE="command:examples/otp/sms-gateway-otp.sh"
#
# paycert runs it once for every OTP it needs, with PAYCERT_OTP_PROVIDER, PAYCERT_OTP_TRANSACTION
# and PAYCERT_OTP_PHONE in the environment, and reads the code from the first line it prints. It
# exits 0 with the code, or non-zero with the reason on standard error (paycert then fails the
# spec with that reason).
#
# Its own settings:
#   SMS_GATEWAY_URL     the gateway's endpoint for received messages; asked as
#                       $SMS_GATEWAY_URL?to=<phone>&since=<unix seconds>
#   SMS_GATEWAY_TOKEN   sent as "Authorization: Bearer <token>", when set
#   SMS_WAIT_SECONDS    how long to wait for the message (default 90, the OTP's lifetime)
#   SMS_MAX_AGE_SECONDS how old a message may be and still count (default 300)
#
# The gateway answers the messages to that number, newest first, in any text format (JSON, CSV,
# plain text); the first run of 4 to 8 digits standing on its own is the code. Gateways differ:
# adapt the request (the curl lines) and the extraction (the grep line) to yours.
set -eu

: "${SMS_GATEWAY_URL:?set SMS_GATEWAY_URL to the SMS gateway endpoint that lists received messages}"
: "${PAYCERT_OTP_PHONE:?PAYCERT_OTP_PHONE is not set: run this script as the command OTP source of paycert}"
wait_seconds=${SMS_WAIT_SECONDS:-90}
since=$(( $(date +%s) - ${SMS_MAX_AGE_SECONDS:-300} ))
phone=$(printf '%s' "$PAYCERT_OTP_PHONE" | tr -cd '0-9+')

deadline=$(( $(date +%s) + wait_seconds ))
while :; do
	if [ -n "${SMS_GATEWAY_TOKEN:-}" ]; then
		body=$(curl -fsS --max-time 10 -H "Authorization: Bearer $SMS_GATEWAY_TOKEN" \
			-G --data-urlencode "to=$phone" --data-urlencode "since=$since" "$SMS_GATEWAY_URL") || body=""
	else
		body=$(curl -fsS --max-time 10 -G --data-urlencode "to=$phone" --data-urlencode "since=$since" "$SMS_GATEWAY_URL") || body=""
	fi
	# The first 4-8 digit number that is not part of a longer number (a phone number, a unix
	# time), a date (2025-04-26) or a time of day.
	code=$(printf '%s\n' "$body" | grep -oE '(^|[^0-9./-])[0-9]{4,8}($|[^0-9./:-])' | head -n 1 | tr -cd '0-9')
	if [ -n "$code" ]; then
		printf '%s\n' "$code"
		exit 0
	fi
	if [ "$(date +%s)" -ge "$deadline" ]; then
		echo "no message with a code reached $phone within ${wait_seconds}s (transaction ${PAYCERT_OTP_TRANSACTION:-?})" >&2
		exit 1
	fi
	sleep 3
done
