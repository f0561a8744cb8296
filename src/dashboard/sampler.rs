//! Local system metrics through sysinfo, with the history the sparklines draw.

use std::collections::VecDeque;
use std::time::Instant;

use homedash_widgets::system::{Config, Disk, Snapshot};
use sysinfo::{CpuRefreshKind, Disks, MemoryRefreshKind, Networks, RefreshKind, System};

const HISTORY: usize = 300;

pub struct Sampler {
    cfg: Config,
    sys: System,
    disks: Disks,
    nets: Networks,
    last: Instant,
    cpu: VecDeque<u64>,
    net: VecDeque<u64>,
    samples: u64,
}

fn push(h: &mut VecDeque<u64>, v: u64) {
    if h.len() == HISTORY {
        h.pop_front();
    }
    h.push_back(v);
}

/// Why the local system cannot be sampled.
#[derive(Debug, thiserror::Error)]
#[error("cannot {what}: {detail}")]
pub struct SampleError {
    what: &'static str,
    detail: String,
}

impl Sampler {
    /// Takes the baseline that CPU and network rates are measured against.
    pub fn new(cfg: Config) -> Result<Self, SampleError> {
        let sys = System::new_with_specifics(
            RefreshKind::nothing()
                .with_cpu(CpuRefreshKind::nothing().with_usage())
                .with_memory(MemoryRefreshKind::nothing().with_ram()),
        )
        .map_err(|e| SampleError {
            what: "read CPU and memory",
            detail: e.to_string(),
        })?;
        Ok(Sampler {
            cfg,
            sys,
            disks: Disks::new_with_refreshed_list().map_err(|e| SampleError {
                what: "list disks",
                detail: e.to_string(),
            })?,
            nets: Networks::new_with_refreshed_list().map_err(|e| SampleError {
                what: "list network interfaces",
                detail: e.to_string(),
            })?,
            last: Instant::now(),
            cpu: VecDeque::with_capacity(HISTORY),
            net: VecDeque::with_capacity(HISTORY),
            samples: 0,
        })
    }

    pub fn sample(&mut self) -> Snapshot {
        self.sys.refresh_cpu_usage();
        self.sys.refresh_memory();
        self.disks.refresh(true);
        self.nets.refresh(true);
        let secs = self.last.elapsed().as_secs_f64().max(0.001);
        self.last = Instant::now();

        self.samples += 1;
        let cpu = f64::from(self.sys.global_cpu_usage());
        push(&mut self.cpu, cpu.round() as u64);
        let (rx, tx) = self
            .nets
            .iter()
            .filter(|(name, _)| name.as_os_str() != "lo")
            .fold((0u64, 0u64), |(r, t), (_, d)| (r + d.received(), t + d.transmitted()));
        let (rx_bps, tx_bps) = (rx as f64 / secs, tx as f64 / secs);
        push(&mut self.net, (rx_bps + tx_bps) as u64);

        let wanted = |m: &str| {
            if self.cfg.disks.is_empty() {
                m == "/"
            } else {
                self.cfg.disks.iter().any(|d| d == m)
            }
        };
        let mut disks: Vec<Disk> = self
            .disks
            .iter()
            .filter_map(|d| {
                let mount = d.mount_point().to_string_lossy().to_string();
                wanted(&mount).then(|| Disk {
                    mount,
                    used: d.total_space().saturating_sub(d.available_space()),
                    total: d.total_space(),
                })
            })
            .collect();
        disks.dedup_by(|a, b| a.mount == b.mount);
        let load = System::load_average()
            .map(|l| [l.one, l.five, l.fifteen])
            .unwrap_or_default();
        Snapshot {
            cpu_pct: cpu,
            cores: self.sys.cpus().len(),
            samples: self.samples,
            cpu_history: self.cpu.iter().copied().collect(),
            mem_used: self.sys.used_memory(),
            mem_total: self.sys.total_memory(),
            disks,
            rx_bps,
            tx_bps,
            net_history: self.net.iter().copied().collect(),
            load,
        }
    }
}
