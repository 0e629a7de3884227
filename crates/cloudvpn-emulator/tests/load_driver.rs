//! The load driver (`examples/load.rs`), small: every workload's calls through the fluent clients get
//! their expected answers from an in-process emulator, the replay probe's resend is refused, and the
//! report counts every call once.

// The driver is the example's module; the test uses it as the example does, and not all of it.
#[allow(dead_code)]
#[path = "../examples/load/driver.rs"]
mod driver;

use cloudvpn::AlibabaSignature;
use cloudvpn_emulator::{Emulator, EmulatorConfig};
use driver::{Caller, FluentCaller, ReplayOutcome, ReplayProbe, Workload};

const REQUESTS: usize = 40;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_workload_gets_its_expected_answers_and_a_replay_is_refused() {
    let emulator = Emulator::start(EmulatorConfig::loopback())
        .await
        .expect("emulator");
    let addr = emulator.local_addr();
    for (signature, workload) in [
        (AlibabaSignature::V1, Workload::AlibabaDelete),
        (AlibabaSignature::V3, Workload::AlibabaDescribe),
        (AlibabaSignature::V3, Workload::TencentDelete),
        (AlibabaSignature::V3, Workload::TencentDescribe),
    ] {
        let task = workload.prepare(addr, REQUESTS).await.expect("prepared");
        let probe = ReplayProbe::for_workload(workload, addr, signature).expect("probe");
        probe
            .send_first()
            .await
            .expect("the first sending succeeds");
        let callers = FluentCaller::for_workload(addr, workload, signature, task.as_deref(), 4)
            .expect("callers");
        let report = driver::drive(callers, REQUESTS).await;
        assert_eq!(
            (report.requests, report.ok, report.latencies_us.len()),
            (REQUESTS, REQUESTS, REQUESTS),
            "{}: {report}",
            workload.name()
        );
        let expected = if matches!(
            workload,
            Workload::AlibabaDelete | Workload::AlibabaDescribe
        ) {
            "SignatureNonceUsed"
        } else {
            "4500"
        };
        assert_eq!(
            probe.replay().await.expect("answered"),
            ReplayOutcome::Refused(expected.to_owned()),
            "{}",
            workload.name()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api3_workloads_get_their_expected_answers() {
    let emulator = Emulator::start(EmulatorConfig::loopback())
        .await
        .expect("emulator");
    let addr = emulator.local_addr();
    for workload in [Workload::Api3Delete, Workload::Api3Describe] {
        let task = workload.prepare(addr, REQUESTS).await.expect("prepared");
        assert_eq!(task.is_some(), workload == Workload::Api3Describe);
        let callers =
            FluentCaller::for_workload(addr, workload, AlibabaSignature::V3, task.as_deref(), 4)
                .expect("callers");
        let report = driver::drive(callers, REQUESTS).await;
        assert_eq!(
            (report.requests, report.ok),
            (REQUESTS, REQUESTS),
            "{}: {report}",
            workload.name()
        );
        // TC3 has no nonce: the replay probe says so rather than probing nothing.
        let refused = ReplayProbe::for_workload(workload, addr, AlibabaSignature::V3);
        assert!(refused.is_err_and(|e| e.contains("nonce")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delete_of_something_already_deleted_is_unexpected() {
    let emulator = Emulator::start(EmulatorConfig::loopback())
        .await
        .expect("emulator");
    let addr = emulator.local_addr();
    let workload = Workload::AlibabaDelete;
    workload.prepare(addr, 2).await.expect("prepared");
    let mut caller = FluentCaller::for_workload(addr, workload, AlibabaSignature::V1, None, 1)
        .expect("callers")
        .remove(0);
    assert!(caller.call(0).await, "the first delete succeeds");
    assert!(!caller.call(0).await, "the gateway is gone the second time");
}

struct Counting;

impl Caller for Counting {
    async fn call(&mut self, index: usize) -> bool {
        index % 2 == 0
    }
}

#[tokio::test]
async fn drives_every_index_once_and_reports_percentiles() {
    let report = driver::drive(vec![Counting, Counting, Counting], 101).await;
    assert_eq!(
        (report.requests, report.ok, report.latencies_us.len()),
        (101, 51, 101)
    );
    assert!(report.percentile(50.0) <= report.percentile(99.0));
    assert!(report.to_string().contains("requests/s"));
    assert_eq!(
        Workload::from_name("alibaba-delete"),
        Some(Workload::AlibabaDelete)
    );
    assert_eq!(Workload::TencentDescribe.name(), "tencent-describe");
}
