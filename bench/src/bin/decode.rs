//! Decoding a `ListOperationsResponse` of 1,000 operations: into the generated types (unknown
//! members kept) against into `serde_json::Value`, in MB/s, median of runs.

use std::time::Instant;

use networkconnectivity_v1::models::GoogleLongrunningListOperationsResponse;

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map_or(200, |n| n.parse().expect("RUNS"));
    let bytes = serde_json::to_vec(&discogen_bench::page(0, 1000, 1000)).unwrap();
    let mb = bytes.len() as f64 / 1e6;
    let measure = |decode: &dyn Fn(&[u8])| {
        decode(&bytes);
        let mut rates: Vec<f64> = (0..runs)
            .map(|_| {
                let t = Instant::now();
                decode(&bytes);
                mb / t.elapsed().as_secs_f64()
            })
            .collect();
        rates.sort_by(f64::total_cmp);
        rates[rates.len() / 2]
    };
    let typed = measure(&|b| {
        // As the client decodes replies: the runtime's one-pass decoding of the model! types.
        let page: GoogleLongrunningListOperationsResponse =
            networkconnectivity_v1::runtime::json::from_slice(b).unwrap();
        assert_eq!(page.operations.as_ref().map(Vec::len), Some(1000));
        assert!(page.operations.unwrap()[0]
            .unknown_fields
            .contains_key("futureField"));
    });
    let value = measure(&|b| {
        let page: serde_json::Value = serde_json::from_slice(b).unwrap();
        assert_eq!(page["operations"].as_array().map(Vec::len), Some(1000));
    });
    println!("| decoder | MB/s (body of {mb:.2} MB, 1,000 operations) |");
    println!("|---|---:|");
    println!("| generated types, unknown members kept | **{typed:.0}** |");
    println!("| `serde_json::Value` | {value:.0} |");
    println!("| ratio typed / Value | {:.2} |", typed / value);
}
