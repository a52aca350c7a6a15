//! One Spark Connect session: SQL in, a polars frame out.

use std::io::Cursor;
use std::sync::atomic::{AtomicBool, Ordering};

use polars::prelude::*;
use spark_connect_core::{block_on, ChannelBuilder, RetryPolicy, SparkConnectClient, SparkError};
use spark_connect_proto as proto;

/// A session on a Spark Connect server (`sc://host:port`).
pub struct Session {
    client: SparkConnectClient,
    remote: String,
    /// The server or the session went away: later queries fail at once
    /// instead of each waiting out the retries.
    lost: AtomicBool,
}

impl Session {
    /// Connect and check the server answers; the message says how to start
    /// one when nothing listens at `remote`.
    pub fn connect(remote: &str) -> Result<Self, String> {
        let builder = ChannelBuilder::parse(remote)
            .map_err(|e| format!("Spark Connect 地址 {remote} 无效：{e}（应为 sc://主机:端口）"))?;
        let mut client = block_on(SparkConnectClient::connect(&builder))
            .map_err(|e| format!("无法连接 Spark Connect 服务 {remote}：{e}"))?;
        // A dropped stream is retried a few times, for seconds, not the
        // reference client's hour: a batch reports a lost cluster quickly.
        client.set_retry_policy(RetryPolicy {
            max_retries: Some(3),
            initial_backoff_ms: 500,
            max_backoff_ms: Some(4000),
            max_retry_exception_elapsed_time_ms: Some(15_000),
            ..RetryPolicy::default()
        });
        let session = Session {
            client,
            remote: remote.to_string(),
            lost: AtomicBool::new(false),
        };
        session.sql("SELECT 1 AS ok").map_err(|e| {
            format!(
                "无法连接 Spark Connect 服务 {remote}：{e}\n\
                 请确认服务已启动（$SPARK_HOME/sbin/start-connect-server.sh），地址和端口正确"
            )
        })?;
        Ok(session)
    }

    /// Whether the server or the session went away.
    pub fn is_lost(&self) -> bool {
        self.lost.load(Ordering::Relaxed)
    }

    /// Run a statement for its effect (a view definition).
    pub fn execute(&self, statement: &str) -> Result<(), String> {
        self.sql(statement).map(drop)
    }

    /// Run a query and collect its rows. Spark's Arrow batches are read
    /// with polars' IPC stream reader and stacked in order.
    pub fn sql(&self, query: &str) -> Result<DataFrame, String> {
        if self.is_lost() {
            return Err(format!(
                "与 Spark Connect 服务 {} 的连接或会话已失去，未运行",
                self.remote
            ));
        }
        let relation = proto::Relation {
            common: Some(proto::RelationCommon::default()),
            rel_type: Some(proto::relation::RelType::Sql(proto::Sql {
                query: query.to_string(),
                ..Default::default()
            })),
        };
        let request = proto::ExecutePlanRequest {
            session_id: self.client.session_id().to_string(),
            user_context: Some(proto::UserContext::default()),
            plan: Some(proto::Plan {
                op_type: Some(proto::plan::OpType::Root(relation)),
            }),
            ..Default::default()
        };
        let batches = block_on(async {
            let mut stream = self.client.execute_plan_reattachable(request).await?;
            let mut batches = Vec::new();
            while let Some(response) = stream.message().await? {
                if let Some(proto::execute_plan_response::ResponseType::ArrowBatch(batch)) =
                    response.response_type
                {
                    batches.push(batch.data);
                }
            }
            Ok::<_, SparkError>(batches)
        })
        .map_err(|e| self.describe(&e))?;
        let mut frame: Option<DataFrame> = None;
        for data in batches {
            let part = IpcStreamReader::new(Cursor::new(data))
                .finish()
                .map_err(|e| format!("无法读取 Spark 返回的 Arrow 数据：{e}"))?;
            match frame.as_mut() {
                Some(all) => {
                    all.vstack_mut(&part).map_err(|e| e.to_string())?;
                }
                None => frame = Some(part),
            }
        }
        frame.map_or_else(|| Ok(DataFrame::default()), decimals_as_floats)
    }

    /// A Spark error as one readable line; a lost session or server says
    /// so, and marks the session lost.
    fn describe(&self, error: &SparkError) -> String {
        let text = error.to_string();
        let first = text.lines().next().unwrap_or_default();
        let first: String = first.chars().take(600).collect();
        let lost = |what: &str| {
            self.lost.store(true, Ordering::Relaxed);
            format!("{what}：{first}")
        };
        if text.contains("SESSION_NOT_FOUND") || text.contains("SESSION_CLOSED") {
            lost("Spark 会话已丢失（服务重启或会话超时，会话视图随之消失），请重新运行")
        } else if ["unavailable", "transport error", "stopped SparkContext"]
            .iter()
            .any(|m| text.contains(m))
        {
            lost(&format!("与 Spark Connect 服务 {} 的连接中断", self.remote))
        } else {
            first
        }
    }
}

/// Spark types a literal such as `1.5` as a decimal where polars and DuckDB
/// use a double: decimal columns become Float64, so evidence and amounts
/// read as they do locally.
fn decimals_as_floats(mut df: DataFrame) -> Result<DataFrame, String> {
    let decimal: Vec<PlSmallStr> = df
        .columns()
        .iter()
        .filter(|c| c.dtype().is_decimal())
        .map(|c| c.name().clone())
        .collect();
    for name in decimal {
        let cast = df
            .column(&name)
            .and_then(|c| c.cast(&DataType::Float64))
            .map_err(|e| e.to_string())?;
        df.with_column(cast).map_err(|e| e.to_string())?;
    }
    Ok(df)
}
