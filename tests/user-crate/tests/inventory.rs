//! Unit tests of the user's code against the generated crate's test double: no network, no
//! credentials, the real client path (retries, polling, paging), failures included.

use hub_inventory::hub_and_spokes;
use networkconnectivity_v1::models::{Hub, Spoke};
use networkconnectivity_v1::resources::projects::locations::global::hubs::CreateCall;
use networkconnectivity_v1::resources::projects::locations::spokes::ListCall;
use networkconnectivity_v1::runtime::testing::{Double, ErrorReply, OperationScript, Pages};
use networkconnectivity_v1::Service;

const PARENT: &str = "projects/p/locations/global";

fn wanted() -> Hub {
    let mut hub = Hub::default();
    hub.description = Some("the hub of p".into());
    hub
}

fn created() -> Hub {
    let mut hub = wanted();
    hub.name = Some(format!("{PARENT}/hubs/main"));
    hub
}

fn spokes(n: usize) -> Vec<Spoke> {
    (0..n)
        .map(|i| {
            let mut spoke = Spoke::default();
            spoke.name = Some(format!("projects/p/locations/us-east1/spokes/s{i}"));
            spoke
        })
        .collect()
}

#[tokio::test]
async fn creates_the_hub_through_a_retried_503_then_lists_three_pages_of_spokes() {
    let double = Double::start().await;
    let service = Service::new(&double.client());
    let hubs = service.projects().locations().global().hubs();
    double
        .expect(hubs.create(PARENT, wanted()).hub_id("main"))
        .error(ErrorReply::unavailable("try again"))
        .operation(OperationScript::succeeds(created()).running_for(2));
    double
        .expect(
            service
                .projects()
                .locations()
                .spokes()
                .list("projects/p/locations/-"),
        )
        .pages(Pages::of(spokes(5)));

    let (hub, listed) = hub_and_spokes(&service, "p", "main", Double::poll_policy())
        .await
        .unwrap();

    assert_eq!(hub, created());
    assert_eq!(listed, spokes(5));
    // The 503 was retried with the same request ID: the create is safe to retry.
    let creates = double.received::<CreateCall>();
    assert_eq!(creates.len(), 2);
    assert!(creates[0].query("requestId").is_some());
    assert_eq!(creates[0].query("requestId"), creates[1].query("requestId"));
    // Five spokes at the code's page size of 2: three pages.
    let pages = double.received::<ListCall>();
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|page| page.query("pageSize") == Some("2")));
    double.verify();
}

#[tokio::test]
async fn an_existing_hub_is_used_instead() {
    let double = Double::start().await;
    let service = Service::new(&double.client());
    let hubs = service.projects().locations().global().hubs();
    double
        .expect(hubs.create(PARENT, wanted()).hub_id("main"))
        .error(ErrorReply::already_exists("hub main exists"));
    double
        .expect(hubs.get(format!("{PARENT}/hubs/main")))
        .reply(created());
    double
        .expect(
            service
                .projects()
                .locations()
                .spokes()
                .list("projects/p/locations/-"),
        )
        .pages(Pages::of(Vec::new()));

    let (hub, listed) = hub_and_spokes(&service, "p", "main", Double::poll_policy())
        .await
        .unwrap();

    assert_eq!(hub, created());
    assert!(listed.is_empty());
    double.verify();
}

#[tokio::test]
async fn a_failed_operation_is_the_caller_s_error() {
    let double = Double::start().await;
    let service = Service::new(&double.client());
    let hubs = service.projects().locations().global().hubs();
    double
        .expect(hubs.create(PARENT, wanted()).hub_id("main"))
        .operation(OperationScript::fails(9, "the project has no network").running_for(1));

    let error = hub_and_spokes(&service, "p", "main", Double::poll_policy())
        .await
        .unwrap_err();

    let status = error.as_operation_status().expect("the operation's status");
    assert_eq!(status.code, Some(9));
    double.verify();
}
