//! `GET /api/v1/openapi.json`, built from the same tables as the router
//! ([`crate::api::ANALYSES`], the charts, the fraud and import routes), so
//! the document cannot drift from what the server accepts.

use axum::response::{IntoResponse, Response};
use serde_json::json;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::{
    ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder, Required, ResponseBuilder,
};

use crate::params::{FILTERS, Kind, Param};

fn schema(p: &Param) -> ObjectBuilder {
    let b = ObjectBuilder::new();
    match p.kind {
        Kind::Flag => b.schema_type(Type::Boolean),
        Kind::Count => {
            let (min, max) = p.range.unwrap_or((0, u32::MAX as u64));
            b.schema_type(Type::Integer)
                .minimum(Some(min as f64))
                .maximum(Some(max as f64))
        }
        Kind::Number => b.schema_type(Type::Number),
        Kind::When => b
            .schema_type(Type::String)
            .description(Some("a date (2025-01-31) or an RFC 3339 time"))
            .examples([json!("2024-01-01")]),
        Kind::Text if !p.values.is_empty() => b
            .schema_type(Type::String)
            .enum_values(Some(p.values.iter().copied())),
        Kind::Text => b.schema_type(Type::String),
    }
}

fn query(p: &Param) -> utoipa::openapi::path::Parameter {
    ParameterBuilder::new()
        .name(p.name)
        .parameter_in(ParameterIn::Query)
        .required(Required::False)
        .description(Some(p.help))
        .schema(Some(schema(p)))
        .build()
}

fn json_response(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(ObjectBuilder::new().schema_type(Type::Object)))
                .build(),
        )
        .build()
}

fn error(description: &str) -> utoipa::openapi::Response {
    let e = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("error", ObjectBuilder::new().schema_type(Type::String))
        .property("status", ObjectBuilder::new().schema_type(Type::Integer))
        .property("parameter", ObjectBuilder::new().schema_type(Type::String))
        .required("error");
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new().schema(Some(e)).build(),
        )
        .build()
}

fn get(summary: &str, params: &[&[Param]], ok: utoipa::openapi::Response) -> PathItem {
    let mut op = OperationBuilder::new()
        .summary(Some(summary))
        .response("200", ok)
        .response("400", error("A parameter is wrong; `parameter` names it."))
        .response("401", error("The server needs its token."))
        .response(
            "409",
            error("The store cannot answer yet (no data, no own accounts, no fraud run)."),
        );
    for p in params.iter().flat_map(|d| d.iter()) {
        op = op.parameter(query(p));
    }
    PathItem::new(HttpMethod::Get, op.build())
}

pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new();
    for a in crate::api::ANALYSES {
        paths = paths.path(
            format!("/api/v1/{}", a.name),
            get(
                a.summary,
                &crate::api::declared(a),
                json_response("The analysis, as the CLI's --json prints it."),
            ),
        );
    }
    for (name, params) in crate::charts::catalogue() {
        let svg = ResponseBuilder::new()
            .description("An SVG chart.")
            .content(
                "image/svg+xml",
                ContentBuilder::new()
                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                    .build(),
            )
            .build();
        paths = paths.path(
            format!("/api/v1/charts/{name}.svg"),
            get(
                &format!("The `{name}` chart of the dashboard."),
                &[FILTERS, params],
                svg,
            ),
        );
    }
    let mut report = OperationBuilder::new()
        .summary(Some(
            "The report for the boss, as `levain report` writes it, to download.",
        ))
        .response(
            "200",
            ResponseBuilder::new()
                .description("The report: one self-contained HTML page or a PDF.")
                .content(
                    "text/html",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                )
                .content(
                    "application/pdf",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                )
                .build(),
        )
        .response("400", error("A parameter is wrong; `parameter` names it."))
        .response("401", error("The server needs its token."))
        .response(
            "409",
            error("The store cannot answer yet (no data, no own accounts, no fraud run)."),
        );
    for p in FILTERS.iter().chain(crate::report::PARAMS) {
        report = report.parameter(query(p));
    }
    paths = paths.path(
        "/api/v1/report",
        PathItem::new(HttpMethod::Get, report.build()),
    );
    let mark_body = ObjectBuilder::new()
        .schema_type(Type::Object)
        .property("account", ObjectBuilder::new().schema_type(Type::String))
        .property(
            "verdict",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["real", "fake", "none"])),
        )
        .required("account")
        .required("verdict");
    paths = paths.path(
        "/api/v1/fraud/marks",
        PathItem::new(
            HttpMethod::Post,
            OperationBuilder::new()
                .summary(Some("Confirm (`fake`) or overturn (`real`) a verdict, or forget your mark (`none`), as `levain fraud mark`."))
                .request_body(Some(
                    RequestBodyBuilder::new()
                        .required(Some(Required::True))
                        .content("application/json", ContentBuilder::new().schema(Some(mark_body)).build())
                        .build(),
                ))
                .response("200", json_response("The mark now in force."))
                .response("400", error("The body is not a mark."))
                .response("404", error("No verdict (or no mark) for that account."))
                .response("409", error("The store is busy writing; try again."))
                .build(),
        ),
    );
    let threshold = Param {
        name: "threshold",
        kind: Kind::Number,
        values: &[],
        range: None,
        help: "Score from which an account is judged suspicious, in [0, 1].",
    };
    paths = paths.path(
        "/api/v1/fraud/run",
        PathItem::new(
            HttpMethod::Post,
            OperationBuilder::new()
                .summary(Some(
                    "Run the fake-engagement detection and store its verdicts, as `levain fraud`.",
                ))
                .parameter(query(&threshold))
                .response("200", json_response("The run's summary."))
                .response("400", error("A parameter is wrong."))
                .response("409", error("No own accounts, or the store is busy."))
                .build(),
        ),
    );
    let mut upload = OperationBuilder::new()
        .summary(Some(
            "Upload a file to import (the body is the file); answers at once with the upload's id.",
        ))
        .request_body(Some(
            RequestBodyBuilder::new()
                .required(Some(Required::True))
                .content(
                    "application/octet-stream",
                    ContentBuilder::new()
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                        .build(),
                )
                .build(),
        ))
        .response(
            "202",
            json_response("The upload was received; follow `url` for progress."),
        )
        .response("400", error("Empty upload or a wrong parameter."))
        .response("413", error("Larger than --max-upload."));
    for p in crate::imports::PARAMS {
        upload = upload.parameter(query(p));
    }
    let list = OperationBuilder::new()
        .summary(Some(
            "This server's uploads and the store's import history.",
        ))
        .response("200", json_response("Uploads and imports."))
        .build();
    let mut item = PathItem::new(HttpMethod::Get, list);
    item.post = Some(upload.build());
    paths = paths.path("/api/v1/imports", item);
    paths = paths.path(
        "/api/v1/imports/{id}",
        PathItem::new(
            HttpMethod::Get,
            OperationBuilder::new()
                .summary(Some("An upload's progress: state, bytes received and imported, the import summary when done."))
                .parameter(
                    ParameterBuilder::new()
                        .name("id")
                        .parameter_in(ParameterIn::Path)
                        .required(Required::True)
                        .schema(Some(ObjectBuilder::new().schema_type(Type::String))),
                )
                .response("200", json_response("The upload."))
                .response("404", error("No such upload."))
                .build(),
        ),
    );
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("levain")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("levain's analyses over a local store: the same JSON as the CLI's --json, the same filters as query parameters. Errors are JSON: {\"error\": message, \"status\", \"parameter\"}."))
                .build(),
        )
        .paths(paths.build())
        .build()
}

pub async fn handler() -> Response {
    axum::Json(document()).into_response()
}
