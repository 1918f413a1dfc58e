//! A user's code: make sure a project has its hub, then take stock of its spokes.

use futures_util::TryStreamExt;
use networkconnectivity_v1::models::{Hub, Spoke};
use networkconnectivity_v1::prelude::*;
use networkconnectivity_v1::{Error, PollPolicy, Service};

/// Creates the hub `hub_id` of `project` (or finds it, when it exists already), waits for it,
/// then lists every spoke of the project, page by page. The poll policy is a parameter so
/// that tests poll quickly.
pub async fn hub_and_spokes(
    service: &Service,
    project: &str,
    hub_id: &str,
    poll: PollPolicy,
) -> Result<(Hub, Vec<Spoke>), Error> {
    let parent = format!("projects/{project}/locations/global");
    let hubs = service.projects().locations().global().hubs();
    let mut wanted = Hub::default();
    wanted.description = Some(format!("the hub of {project}"));
    let hub = match hubs
        .create(&parent, wanted)
        .hub_id(hub_id)
        .send_and_wait(poll)
        .await
    {
        Ok(hub) => hub,
        // Someone made it first: use theirs.
        Err(error) if error.http_status() == Some(409) => {
            hubs.get(format!("{parent}/hubs/{hub_id}")).send().await?
        }
        Err(error) => return Err(error),
    };
    let spokes = service
        .projects()
        .locations()
        .spokes()
        .list(format!("projects/{project}/locations/-"))
        .page_size(2)
        .items()
        .try_collect()
        .await?;
    Ok((hub, spokes))
}
