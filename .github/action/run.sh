#!/usr/bin/env bash
# Runs the suites for the action (action.yml at the root of the repository) and hands on what came
# of it: the step outputs exit-code, verdict and report-dir, and the run's summary on the job's page.
# It always succeeds itself, so that the report is uploaded before the action's last step fails
# the job with paycert's exit status.
set -uo pipefail
: "${RUNNER_TEMP:?}" "${GITHUB_OUTPUT:?}"

report_dir=${ACTION_REPORT_DIR:-paycert-report}
if [ -n "${ACTION_TARGET:-}" ]; then
	export PAYCERT_TARGET="$ACTION_TARGET"
fi
read -ra extra <<<"${ACTION_ARGS:-}"
output="$RUNNER_TEMP/paycert-output.txt"
# A report an earlier run left in a reused workspace must not pass for this run's.
rm -f "$report_dir/report.json"

paycert run -suites "${ACTION_SUITES:-all}" -report-dir "$report_dir" "${extra[@]}" 2>&1 | tee "$output"
code=${PIPESTATUS[0]}

verdict=error
if [ -f "$report_dir/report.json" ]; then
	verdict=$(sed -n 's/^  "verdict": "\(.*\)",$/\1/p' "$report_dir/report.json" | head -n 1)
fi
{
	echo "exit-code=$code"
	echo "verdict=${verdict:-error}"
	echo "report-dir=$report_dir"
} >>"$GITHUB_OUTPUT"

if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	{
		echo "### paycert: ${verdict:-error} (exit $code)"
		echo
		echo '```'
		# The one-screen summary, or the last lines when the run stopped before it.
		if grep -q '^─' "$output"; then
			sed -n '/^─/,$p' "$output"
		else
			tail -n 20 "$output"
		fi
		echo '```'
	} >>"$GITHUB_STEP_SUMMARY"
fi
exit 0
