"""The kernel every area uses: who acts, scope, audit, errors, time, checks, masking.

It imports no area."""
