//! The delivery worker's log of a failing payer (issue 16): once per backoff step, not once
//! per delivery.

use kirjuri_app::worker::PayerFailureLog;

/// Issue 16: 40 deliveries to an unreachable payer failing at attempt 1 give one line, the
/// same 40 at attempt 2 one more; another payer is logged on its own; after a delivery
/// succeeds the payer's recovery is one line and its next failure is logged again.
#[test]
fn a_failing_payer_is_logged_once_per_backoff_step_not_once_per_delivery() {
    let mut log = PayerFailureLog::default();
    let kela = "https://kela.example.fi/lausunnot";
    let fund = "https://kassa.example.fi/lausunnot";
    let lines = |log: &mut PayerFailureLog, endpoint, attempt| {
        (0..40).filter(|_| log.failed(endpoint, attempt)).count()
    };
    assert_eq!(lines(&mut log, kela, 1), 1);
    assert_eq!(lines(&mut log, kela, 1), 0);
    assert_eq!(lines(&mut log, fund, 1), 1);
    assert_eq!(lines(&mut log, kela, 2), 1);
    // A delivery created later, at its first attempt, while the payer is at step 2: no line.
    assert_eq!(lines(&mut log, kela, 1), 0);
    assert!(log.delivered(kela));
    assert!(!log.delivered(kela));
    assert_eq!(lines(&mut log, kela, 1), 1);
}
