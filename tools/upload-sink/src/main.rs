//! The baseline for `scripts/bench-upload`: a bare actix-web server whose
//! one endpoint reads a request body to its end and throws the bytes away.
//! Usage: `upload-sink 127.0.0.1:3211`.

use actix_web::{web, App, HttpResponse, HttpServer};
use futures_util::StreamExt;

async fn sink(mut body: web::Payload) -> HttpResponse {
    let mut total: u64 = 0;
    while let Some(chunk) = body.next().await {
        match chunk {
            Ok(bytes) => total += bytes.len() as u64,
            Err(e) => return HttpResponse::BadRequest().body(e.to_string()),
        }
    }
    HttpResponse::Ok().body(total.to_string())
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3211".to_string());
    println!("upload sink listening on http://{addr}");
    HttpServer::new(|| {
        App::new()
            .app_data(web::PayloadConfig::new(usize::MAX))
            .route("/sink", web::post().to(sink))
    })
    .bind(addr)?
    .run()
    .await
}
