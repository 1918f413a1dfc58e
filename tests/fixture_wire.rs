//! What the crates generated from the `media` and `wrapper` fixtures put on the wire, over real
//! HTTP against a recording server on 127.0.0.1: media uploads (simple and multipart) and
//! downloads, `dataWrapper` bodies, the per-method `X-Goog-Api-Version`, methods of the API
//! itself and inline request schemas.

use discogen_tests::Recorder;
use media_v1::prelude::*;
use serde_json::{json, Value};

const FILE_JSON: &str = r#"{"name": "cat.png", "size": "5", "contentType": "image/png"}"#;

fn media_client(recorder: &Recorder) -> media_v1::Service {
    let client = media_v1::Client::builder()
        .bearer_token("token")
        .build()
        .unwrap();
    media_v1::Service::with_base_url(&client, recorder.base_url(media_v1::SERVICE_PATH))
}

#[tokio::test]
async fn a_multipart_upload_sends_metadata_then_media_to_the_upload_path() {
    let recorder = Recorder::start(200, "application/json", FILE_JSON.into()).await;
    let client = media_client(&recorder);
    let mut metadata = media_v1::models::File::default();
    metadata.name = Some("cat.png".to_string());
    let media = b"\x89PNG\r\n--not-a-boundary\x00\xff".to_vec();

    let file = client
        .files()
        .insert("photos", metadata)
        .name("cat.png")
        .upload(media.clone(), "image/png")
        .await
        .unwrap();

    assert_eq!(file.size, Some(5));
    let request = &recorder.requests()[0];
    assert_eq!(request.method, "POST");
    // Under the root URL, not the service path.
    assert_eq!(request.path, "/upload/media/v1/b/photos/files");
    assert_eq!(
        request.query,
        vec![
            ("name".to_string(), "cat.png".to_string()),
            ("prettyPrint".to_string(), "false".to_string()),
            ("uploadType".to_string(), "multipart".to_string())
        ]
    );
    let content_type = request.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/related; boundary=")
        .unwrap();
    let mut expected = format!(
        "--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Type: image/png\r\n\r\n",
        json!({"name": "cat.png"})
    )
    .into_bytes();
    expected.extend_from_slice(&media);
    expected.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    assert_eq!(request.body, expected);
}

#[tokio::test]
async fn a_simple_upload_sends_the_media_alone() {
    let recorder = Recorder::start(200, "application/json", FILE_JSON.into()).await;
    let client = media_client(&recorder);

    client
        .files()
        .replace("photos", "cat.png")
        .upload(b"pixels".to_vec(), "image/png")
        .await
        .unwrap();

    let request = &recorder.requests()[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(request.path, "/upload/media/v1/b/photos/files/cat.png");
    assert_eq!(
        request.query,
        vec![
            ("prettyPrint".to_string(), "false".to_string()),
            ("uploadType".to_string(), "media".to_string())
        ]
    );
    assert_eq!(request.header("content-type"), Some("image/png"));
    assert_eq!(request.body, b"pixels");
}

#[tokio::test]
async fn a_download_asks_for_alt_media_and_returns_the_bytes() {
    let bytes = vec![0u8, 159, 146, 150, 255];
    let recorder = Recorder::start(200, "application/octet-stream", bytes.clone()).await;
    let client = media_client(&recorder);

    let response = client
        .files()
        .get("photos", "cat.png")
        .download()
        .await
        .unwrap();

    assert_eq!(response.body(), &bytes);
    assert_eq!(
        response.header("content-type"),
        Some("application/octet-stream")
    );
    let request = &recorder.requests()[0];
    assert_eq!(request.path, "/media/v1/b/photos/files/cat.png");
    assert_eq!(
        request.query,
        vec![("alt".to_string(), "media".to_string())]
    );
}

#[tokio::test]
async fn a_streamed_download_arrives_piece_by_piece() {
    let media: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let recorder = Recorder::start(200, "video/mp4", media.clone()).await;
    let client = media_client(&recorder);

    let mut download = client
        .files()
        .get("videos", "big.mp4")
        .download_stream()
        .await
        .unwrap();

    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "video/mp4");
    let mut received = Vec::new();
    let mut pieces = 0;
    while let Some(piece) = download.chunk().await.unwrap() {
        received.extend_from_slice(&piece);
        pieces += 1;
    }
    assert_eq!(received, media);
    assert!(pieces > 1, "3 MB in one piece: not streamed");
    assert_eq!(
        recorder.requests()[0].query,
        vec![("alt".to_string(), "media".to_string())]
    );
}

#[tokio::test]
async fn the_same_method_without_media_is_plain_json() {
    let recorder = Recorder::start(200, "application/json", FILE_JSON.into()).await;
    let client = media_client(&recorder);

    let file = client
        .files()
        .get("photos", "cat.png")
        .send()
        .await
        .unwrap();

    assert_eq!(file.content_type.as_deref(), Some("image/png"));
    assert_eq!(
        recorder.requests()[0].query,
        vec![("prettyPrint".to_string(), "false".to_string())]
    );
}

#[tokio::test]
async fn data_wrapper_bodies_and_the_api_version_header() {
    let reply = json!({"data": {"text": "hallo", "source": "en"}}).to_string();
    let recorder = Recorder::start(200, "application/json", reply.into()).await;
    let client = wrapper_v1::Client::builder()
        .root_url(recorder.base_url(""))
        .api_key("key")
        .build()
        .unwrap();
    let mut text = wrapper_v1::models::Translation::default();
    text.text = Some("hello".to_string());

    // A method of the API itself: a function of the service.
    let translated = wrapper_v1::Service::new(&client)
        .translate("de", text)
        .send()
        .await
        .unwrap();

    assert_eq!(translated.text.as_deref(), Some("hallo"));
    let request = &recorder.requests()[0];
    assert_eq!(request.path, "/v1/translate");
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, json!({"data": {"text": "hello"}}));
    assert_eq!(request.header("x-goog-api-version"), Some("2026-11-01"));
}

#[tokio::test]
async fn an_inline_request_schema_is_a_struct_of_its_own() {
    let reply = json!({"data": {"accepted": 3}}).to_string();
    let recorder = Recorder::start(200, "application/json", reply.into()).await;
    let client = wrapper_v1::Client::builder()
        .root_url(recorder.base_url(""))
        .build()
        .unwrap();
    let mut event = wrapper_v1::models::EventsRecordRequest::default();
    event.kind = Some("click".to_string());
    event.count = Some(3);

    let reply = wrapper_v1::Service::new(&client)
        .events()
        .record(event)
        .send()
        .await
        .unwrap();

    assert_eq!(reply.to_value().unwrap()["accepted"], 3);
    let request = &recorder.requests()[0];
    assert_eq!(request.header("x-goog-api-version"), None);
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(body, json!({"data": {"kind": "click", "count": 3}}));
}

#[tokio::test]
async fn a_document_without_root_url_is_reached_at_the_base_url_the_user_gives() {
    let recorder = Recorder::start(200, "application/json", br#"{"text": "hi"}"#.to_vec()).await;
    let client = rooturl_v1::Client::builder().build().unwrap();
    // The crate has no `Service::new`: without a root URL there is no default endpoint.
    let service = rooturl_v1::Service::with_base_url(&client, recorder.base_url("api/"));

    let note = service.notes().get("n1").send().await.unwrap();

    assert_eq!(note.text.as_deref(), Some("hi"));
    assert_eq!(recorder.requests()[0].path, "/api/notes/n1");
}

#[tokio::test]
async fn a_method_without_parameters_body_or_reply_sends_an_empty_post() {
    let recorder = Recorder::start(200, "application/json", b"{}".to_vec()).await;
    let client = bare_v1::Client::builder()
        .root_url(recorder.base_url(""))
        .build()
        .unwrap();

    let nothing: () = bare_v1::Service::new(&client)
        .pings()
        .send()
        .send()
        .await
        .unwrap();

    assert_eq!(nothing, ());
    let request = &recorder.requests()[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/pings")
    );
    assert_eq!(request.header("content-length"), Some("0"));
}

#[tokio::test]
async fn an_upload_path_naming_an_unknown_parameter_falls_back_to_the_method_path() {
    let recorder = Recorder::start(200, "application/json", br#"{"name": "b"}"#.to_vec()).await;
    let client = uploadpath_v1::Client::builder()
        .root_url(recorder.base_url(""))
        .build()
        .unwrap();
    let service = uploadpath_v1::Service::new(&client);

    service
        .blobs()
        .insert("f1", uploadpath_v1::models::Blob::default())
        .upload(b"data".to_vec(), "text/plain")
        .await
        .unwrap();

    // upload/ + the service path + the method's path, as Google's Python client sends it.
    assert_eq!(
        recorder.requests()[0].path,
        "/upload/uploadpath/v1/folders/f1/blobs"
    );
}

#[test]
fn schemas_no_method_reaches_are_compiled_with_all_types() {
    let metadata: unreached_v1::models::TaskMetadata =
        serde_json::from_value(json!({"progress": 40, "task": {"name": "t"}})).unwrap();
    assert_eq!(metadata.progress, Some(40));
    assert_eq!(metadata.task.and_then(|t| t.name).as_deref(), Some("t"));
    assert_eq!(
        unreached_v1::models::Kind::from("BIG"),
        unreached_v1::models::Kind::Big
    );
}

#[test]
fn a_method_s_credential_parameters_never_show_in_debug_output() {
    let client = oauth2_v2::Client::builder().build().unwrap();
    // tokeninfo's own parameters: credentials by name, and standard-looking ones under their
    // own wire names (no `_2` twins).
    let call = oauth2_v2::Service::new(&client)
        .tokeninfo()
        .access_token("ya29.secret-access-token")
        .id_token("eyJ.secret-id-token")
        .key("AIza-secret-key")
        .fields("email")
        .pretty_print(false);
    let shown = format!("{call:?}");
    for secret in [
        "ya29.secret-access-token",
        "eyJ.secret-id-token",
        "AIza-secret-key",
    ] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("email"), "{shown}");
}
