//! The day-by-day simulation behind [`crate::generate`].
//!
//! Each simulated day decides what happens (arrivals, posts, engagement,
//! planted fakes) and schedules timed events into a min-heap; events whose
//! time falls before the end of the day are then written in time order.
//! Engagement can land days after its post, so the heap holds a few days of
//! events at most, and memory follows the population, not the event count.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet, VecDeque};
use std::io::{self, Write};
use std::str::FromStr;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::SynthError;
use crate::identity;
use crate::ids::{did, tid};
use crate::jetstream::{EventWriter, FOLLOW, LIKE, POST, PostSpec, REPOST};
use crate::text::{self, TOPICS};
use crate::truth::{
    Counts, Truth, TruthAccount, TruthAmplifier, TruthCampaign, TruthConversion, TruthGroup,
};

const MIN: i64 = 60_000_000;
const HOUR: i64 = 60 * MIN;
const DAY: i64 = 24 * HOUR;
/// 2023-01-02T00:00:00Z: the first simulated day.
pub(crate) const START: i64 = 1_672_617_600_000_000;

/// Days simulated for `cfg` (at least 30).
pub(crate) fn simulated_days(cfg: &Config) -> u32 {
    cfg.days.max(30)
}

/// How big a community to generate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// About 350 thousand events: seconds to generate and import.
    Small,
    /// About 3 million events.
    Medium,
    /// About 30 million events.
    Large,
    /// About this many events.
    Events(u64),
}

/// Events at factor 0 (the planted fakes and own activity, which do not
/// grow with the community) and per unit of factor. Measured on the
/// generator itself; `levain synth` prints the exact count it wrote.
/// Share of a new amplifier's audience drawn from earlier amplifiers'
/// audiences on the same topic.
const SHARED_AUDIENCE: f64 = 0.3;
/// Chance that a like through a reshare makes a follower, by the number of
/// distinct amplifiers the person heard of us from (1, 2, 3 or more).
const CONVERSION: [f64; 3] = [0.003, 0.02, 0.05];

const FIXED_EVENTS: f64 = 82_000.0;
const EVENTS_PER_FACTOR: f64 = 272_000.0;

impl Scale {
    /// Multiplier of community size: arrivals, audiences, one-time likers.
    pub fn factor(self) -> f64 {
        match self {
            Scale::Small => 1.0,
            Scale::Medium => 10.0,
            Scale::Large => 100.0,
            Scale::Events(n) => ((n as f64 - FIXED_EVENTS) / EVENTS_PER_FACTOR).max(0.05),
        }
    }
}

impl FromStr for Scale {
    type Err = SynthError;
    fn from_str(s: &str) -> Result<Scale, SynthError> {
        match s {
            "small" => Ok(Scale::Small),
            "medium" => Ok(Scale::Medium),
            "large" => Ok(Scale::Large),
            n => n
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|x| *x >= 1.0)
                .map(|x| Scale::Events(x as u64))
                .ok_or_else(|| SynthError::Scale(s.to_owned())),
        }
    }
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scale::Small => f.write_str("small"),
            Scale::Medium => f.write_str("medium"),
            Scale::Large => f.write_str("large"),
            Scale::Events(n) => write!(f, "{n}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub seed: u64,
    pub scale: Scale,
    /// Simulated days (about three years by default).
    pub days: u32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            scale: Scale::Small,
            days: 1095,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Own,
    Friend,
    Organic,
    Core,
    Amplifier,
    Campaign(u8),
    PreExisting,
    Downstream,
    OneTime,
    Farm,
    Bought,
    Pod,
    Ring,
    Bot,
}

impl Role {
    fn fake_family(self) -> Option<&'static str> {
        match self {
            Role::Farm => Some("like_farm"),
            Role::Bought => Some("bought_followers"),
            Role::Pod => Some("pod"),
            Role::Ring => Some("follow_ring"),
            Role::Bot => Some("bot"),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct FollowRef {
    own: u8,
    t: i64,
    clock: u16,
}

#[derive(Clone, Debug)]
struct Acct {
    role: Role,
    lang: u8,
    topic: u8,
    engage: f32,
    start: u32,
    end: u32,
    /// Follows of own accounts (at most two).
    follows: [Option<FollowRef>; 2],
    /// Amplifiers: their audience (account indices). Part of it is shared
    /// with earlier amplifiers on the same topic, so some people hear of us
    /// from several of them.
    audience: Vec<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PostRef {
    author: u32,
    t: i64,
    clock: u16,
}

#[derive(Clone, Copy, Debug)]
struct RecRef {
    actor: u32,
    t: i64,
    clock: u16,
}

#[derive(Clone, Copy, Debug)]
enum Ev {
    Identity(u32),
    Profile(u32),
    OwnPost {
        topic: u8,
        tpl: u8,
        mention: Option<u32>,
        link: bool,
    },
    Reply {
        parent: PostRef,
        root: PostRef,
        text: u8,
        kind: ReplyKind,
    },
    Quote {
        of: PostRef,
    },
    Other {
        text: u8,
    },
    BotPost {
        text: u8,
    },
    Like {
        post: PostRef,
        via: Option<RecRef>,
    },
    Repost {
        post: PostRef,
    },
    Follow {
        target: u32,
    },
    Unfollow {
        follow_t: i64,
        follow_clock: u16,
        own_target: bool,
        seen: bool,
    },
    DeleteLike {
        like_t: i64,
        like_clock: u16,
    },
}

#[derive(Clone, Copy, Debug)]
enum ReplyKind {
    Audience,
    OwnAnswer,
    Pod,
}

/// A scheduled event: `actor` does `ev` at `t` with record clock `clock`.
struct Scheduled {
    t: i64,
    seq: u64,
    actor: u32,
    clock: u16,
    ev: Ev,
}

impl PartialEq for Scheduled {
    fn eq(&self, o: &Self) -> bool {
        (self.t, self.seq) == (o.t, o.seq)
    }
}
impl Eq for Scheduled {}
impl PartialOrd for Scheduled {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scheduled {
    // Reversed: BinaryHeap is a max-heap and we want the earliest first.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.t, o.seq).cmp(&(self.t, self.seq))
    }
}

struct CampaignSpec {
    name: &'static str,
    from: u32,
    to: u32,
    spend: f64,
    promote: bool,
    promoted: Vec<String>,
    followers: u64,
}

/// A follow a ring member will take back if it is not returned.
struct RingFollow {
    actor: u32,
    target: u32,
    t: i64,
    clock: u16,
}

const OWN_HANDLES: [&str; 3] = [
    "latelierdurayon.fr",
    "rayonworkshop.bsky.social",
    "camille-martin.bsky.social",
];
const NAMES: &[&str] = &[
    "lea", "hugo", "chloe", "lucas", "emma", "nathan", "sarah", "tom", "ines", "jules", "alice",
    "max", "zoe", "leo", "nina", "sam", "jade", "paul", "mia", "noah",
];
/// Relative activity of the audience by UTC hour (a French audience).
const HOUR_WEIGHT: [f64; 24] = [
    0.25, 0.12, 0.06, 0.05, 0.06, 0.2, 0.5, 0.8, 0.9, 0.8, 0.7, 0.8, 0.9, 0.8, 0.7, 0.7, 0.8, 1.0,
    1.0, 1.0, 0.95, 0.8, 0.6, 0.4,
];

struct Sim<W: Write> {
    cfg: Config,
    s: f64,
    rng: ChaCha8Rng,
    out: EventWriter<W>,
    accts: Vec<Acct>,
    heap: BinaryHeap<Scheduled>,
    seq: u64,
    clock: u16,
    end_t: i64,
    /// Accounts whose activity ends on a day, by day.
    ends: Vec<Vec<u32>>,
    /// Accounts who come back and follow again, by day.
    refollows: Vec<Vec<u32>>,
    ring_takebacks: Vec<Vec<RingFollow>>,
    /// For each own account: (account, cumulative engagement weight).
    engagers: [Vec<(u32, f64)>; 3],
    amplifiers: Vec<u32>,
    /// Amplifiers' audience members, by topic (to share audiences).
    downstream: Vec<Vec<u32>>,
    /// Audience members not following us: the distinct amplifiers through
    /// whose reshares they liked an own post.
    exposed: HashMap<u32, Vec<u32>>,
    posters: Vec<u32>,
    friends: Vec<u32>,
    farm: Vec<u32>,
    farm_targets: Vec<PostRef>,
    bought: Vec<u32>,
    pod: Vec<u32>,
    ring: Vec<u32>,
    bots: Vec<(u32, i64, i64, u64)>, // (account, period, next tick, ticks)
    fake_likes: HashSet<(u32, u32, i64)>,
    popular: VecDeque<PostRef>,
    latest_own: [Option<PostRef>; 3],
    own_posts_per_day: [VecDeque<u32>; 3],
    campaigns: Vec<CampaignSpec>,
    conversions: Vec<TruthConversion>,
    counts: Counts,
    identity_seq: u64,
    /// Core members planted on the blog whose profile was written.
    personas_written: Vec<u32>,
}

/// A day at fraction `f` of the simulated period.
fn day_at(days: u32, f: f64) -> u32 {
    ((days as f64) * f) as u32
}

/// RFC 3339 with milliseconds, for conversion times.
fn rfc3339_micros(t: i64) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .expect("in range")
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

fn rfc3339(t: i64) -> String {
    chrono::DateTime::from_timestamp_micros(t)
        .expect("in range")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

impl<W: Write> Sim<W> {
    fn days(&self) -> u32 {
        self.cfg.days
    }

    fn day_start(&self, d: u32) -> i64 {
        START + d as i64 * DAY
    }

    fn did(&self, a: u32) -> String {
        did(self.cfg.seed, a as u64)
    }

    fn handle(&self, a: u32) -> String {
        if (a as usize) < OWN_HANDLES.len() {
            return OWN_HANDLES[a as usize].to_owned();
        }
        if self.persona(a) == Some(identity::Kind::Domain) {
            return identity::domain_handle(self.cfg.seed, a);
        }
        let name = NAMES[(a as usize * 7 + self.cfg.seed as usize) % NAMES.len()];
        format!("{name}{a}.bsky.social")
    }

    /// Whether member `a` of the core is also on the blog, and how it shows.
    fn persona(&self, a: u32) -> Option<identity::Kind> {
        (self.accts[a as usize].role == Role::Core)
            .then(|| identity::kind(self.cfg.seed, a))
            .flatten()
    }

    fn post_uri(&self, p: PostRef) -> String {
        format!(
            "at://{}/{POST}/{}",
            self.did(p.author),
            tid(p.t, p.clock as u64)
        )
    }

    fn exp(&mut self, mean: f64) -> f64 {
        let u: f64 = self.rng.random::<f64>();
        -(1.0 - u).ln() * mean
    }

    fn poisson(&mut self, lambda: f64) -> u32 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 40.0 {
            // Normal approximation: exact enough for counts this large.
            let (u1, u2): (f64, f64) = (self.rng.random(), self.rng.random());
            let z = (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
            return (lambda + z * lambda.sqrt()).round().max(0.0) as u32;
        }
        let l = (-lambda).exp();
        let mut k = 0;
        let mut p = 1.0;
        loop {
            p *= self.rng.random::<f64>();
            if p <= l {
                return k;
            }
            k += 1;
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random::<f64>() < p
    }

    /// A time in day `d`, following the audience's hours.
    fn time_in_day(&mut self, d: u32) -> i64 {
        let t0 = self.day_start(d);
        loop {
            let h = self.rng.random_range(0..24);
            if self.chance(HOUR_WEIGHT[h]) {
                return t0 + h as i64 * HOUR + self.rng.random_range(0..HOUR);
            }
        }
    }

    /// `t` plus an exponential delay, nudged towards the audience's hours.
    fn later(&mut self, t: i64, mean_minutes: f64) -> i64 {
        let mut cand = t;
        for _ in 0..4 {
            cand = t + 1_000_000 + (self.exp(mean_minutes) * MIN as f64) as i64;
            let h = (cand.rem_euclid(DAY) / HOUR) as usize;
            if self.chance(HOUR_WEIGHT[h]) {
                break;
            }
        }
        cand
    }

    fn push(&mut self, t: i64, actor: u32, ev: Ev) -> Option<(i64, u16)> {
        if t >= self.end_t {
            return None;
        }
        self.seq += 1;
        self.clock = (self.clock + 1) & 1023;
        let clock = self.clock;
        self.heap.push(Scheduled {
            t,
            seq: self.seq,
            actor,
            clock,
            ev,
        });
        Some((t, clock))
    }

    fn new_account(
        &mut self,
        role: Role,
        d: u32,
        lang: u8,
        topic: u8,
        engage: f32,
        life_days: f64,
    ) -> u32 {
        let idx = self.accts.len() as u32;
        let end = (d as f64 + life_days.max(1.0)).min(self.days() as f64) as u32;
        self.accts.push(Acct {
            role,
            lang,
            topic,
            engage,
            start: d,
            end,
            follows: [None, None],
            audience: Vec::new(),
        });
        if end < self.days() {
            self.ends[end as usize].push(idx);
        }
        idx
    }

    fn follow_own(&mut self, a: u32, own: u8, t: i64) {
        if let Some((t, clock)) = self.push(t, a, Ev::Follow { target: own as u32 }) {
            let slot = &mut self.accts[a as usize].follows;
            let f = FollowRef { own, t, clock };
            if slot[0].is_none_or(|x| x.own == own) {
                slot[0] = Some(f);
            } else {
                slot[1] = Some(f);
            }
        }
    }

    fn schedule_identity(&mut self, a: u32, before: i64, d: u32) {
        let t0 = self.day_start(d);
        let t = t0 + self.rng.random_range(0..(before - t0).max(1));
        self.push(t, a, Ev::Identity(a));
    }

    fn setup(&mut self) {
        // Own accounts: 0 French brand, 1 English brand, 2 the manager.
        for (i, lang) in [0u8, 1, 0].into_iter().enumerate() {
            let a = self.new_account(Role::Own, 0, lang, 0, 0.0, f64::MAX);
            let t = START + 60_000_000 * (i as i64 + 1);
            self.push(t, a, Ev::Identity(a));
            self.push(t + 1_000_000, a, Ev::Profile(a));
        }
        // The manager's friends: mutual follows with the personal account.
        for i in 0..15 {
            let a = self.new_account(Role::Friend, 0, 0, (i % 4) as u8, 0.5, f64::MAX);
            self.friends.push(a);
            let t = START + HOUR + i as i64 * 7 * MIN;
            self.push(t, a, Ev::Identity(a));
            self.follow_own(a, 2, t + MIN);
            self.follow_own(a, 0, t + 2 * MIN);
            self.push(t + 30 * MIN, 2, Ev::Follow { target: a });
        }
        // Followers from before the data starts: their follows are not in it.
        let n = (150.0 * self.s).round() as u32;
        for _ in 0..n {
            let lang = u8::from(self.chance(0.25));
            let engage = (0.03 * self.exp(1.0)).min(0.5) as f32;
            let life = self.exp(300.0);
            let topic = self.rng.random_range(0..4);
            let a = self.new_account(Role::PreExisting, 0, lang, topic, engage, life);
            let t = START - self.rng.random_range(DAY..700 * DAY);
            let clock = self.rng.random_range(0..1024) as u16;
            self.accts[a as usize].follows[0] = Some(FollowRef {
                own: lang,
                t,
                clock,
            });
        }
        let days = self.days();
        let c = |f: f64| day_at(days, f);
        self.campaigns = vec![
            CampaignSpec {
                name: "printemps-2023",
                from: c(0.09),
                to: c(0.118),
                spend: 1200.0,
                promote: true,
                promoted: vec![],
                followers: 0,
            },
            CampaignSpec {
                name: "rentree-2023",
                from: c(0.224),
                to: c(0.251),
                spend: 1500.0,
                promote: false,
                promoted: vec![],
                followers: 0,
            },
            CampaignSpec {
                name: "printemps-2024",
                from: c(0.42),
                to: c(0.447),
                spend: 2000.0,
                promote: true,
                promoted: vec![],
                followers: 0,
            },
            CampaignSpec {
                name: "noel-2024",
                from: c(0.64),
                to: c(0.667),
                spend: 2500.0,
                promote: false,
                promoted: vec![],
                followers: 0,
            },
            CampaignSpec {
                name: "ete-2025",
                from: c(0.822),
                to: c(0.854),
                spend: 1800.0,
                promote: false,
                promoted: vec![],
                followers: 0,
            },
            CampaignSpec {
                name: "ete-2025-relance",
                from: c(0.84),
                to: c(0.858),
                spend: 600.0,
                promote: true,
                promoted: vec![],
                followers: 0,
            },
        ];
    }

    fn arrivals(&mut self, d: u32) {
        let growth = 1.0 + d as f64 / 365.0;
        let n = self.poisson(self.s * 2.0 * growth);
        for _ in 0..n {
            let lang = u8::from(self.chance(0.3));
            let topic = self.rng.random_range(0..4u8);
            let r: f64 = self.rng.random();
            let (role, engage, life) = if r < 0.03 {
                let e = 0.15 + 0.1 * self.rng.random::<f64>();
                (Role::Amplifier, e, 500.0 + 500.0 * self.rng.random::<f64>())
            } else if r < 0.09 {
                let e = 0.2 + 0.2 * self.rng.random::<f64>();
                (Role::Core, e, 700.0 + 400.0 * self.rng.random::<f64>())
            } else {
                let e = (0.03 * self.exp(1.0)).min(0.5);
                (Role::Organic, e, self.exp(420.0))
            };
            let a = self.new_account(role, d, lang, topic, engage as f32, life);
            let t = self.time_in_day(d);
            self.schedule_identity(a, t, d);
            let own = if lang == 0 {
                u8::from(self.chance(0.15))
            } else {
                u8::from(!self.chance(0.2))
            };
            self.follow_own(a, own, t);
            if self.chance(0.1) {
                let later = t + self.rng.random_range(DAY..60 * DAY);
                self.follow_own(a, 1 - own, later);
            }
            if role == Role::Amplifier {
                let size = 20 + self.rng.random_range(0..100u32) as usize;
                // About a third of the audience already follows earlier
                // amplifiers on the topic: communities overlap.
                let pool = &self.downstream[topic as usize];
                let mut audience: Vec<u32> = Vec::with_capacity(size);
                if !pool.is_empty() {
                    let shared = (size as f64 * SHARED_AUDIENCE) as usize;
                    for _ in 0..shared {
                        let j = pool[self.rng.random_range(0..pool.len())];
                        if !audience.contains(&j) {
                            audience.push(j);
                        }
                    }
                }
                while audience.len() < size {
                    let j = self.new_account(Role::Downstream, d, lang, topic, 0.0, f64::MAX);
                    self.downstream[topic as usize].push(j);
                    audience.push(j);
                }
                self.accts[a as usize].audience = audience;
                self.amplifiers.push(a);
                self.push(t + MIN, a, Ev::Profile(a));
            }
            if matches!(role, Role::Amplifier | Role::Core) {
                self.posters.push(a);
            }
            if self.persona(a).is_some() {
                self.push(t + MIN, a, Ev::Profile(a));
            }
        }
        for ci in 0..self.campaigns.len() {
            let (from, to) = (self.campaigns[ci].from, self.campaigns[ci].to);
            if d < from || d >= to {
                continue;
            }
            let n = self.poisson(self.s * 9.0);
            for _ in 0..n {
                let engage = 0.004 * self.rng.random::<f64>() * 2.0;
                let life = self.exp(45.0);
                let topic = self.rng.random_range(0..4);
                let a =
                    self.new_account(Role::Campaign(ci as u8), d, 0, topic, engage as f32, life);
                let t = self.time_in_day(d);
                self.schedule_identity(a, t, d);
                self.follow_own(a, 0, t);
                self.campaigns[ci].followers += 1;
            }
        }
    }

    fn lifecycle(&mut self, d: u32) {
        let ending = std::mem::take(&mut self.ends[d as usize]);
        for a in ending {
            let acct = self.accts[a as usize].clone();
            let p = match acct.role {
                Role::Organic | Role::Downstream => 0.3,
                Role::Core => 0.1,
                Role::Amplifier => 0.15,
                Role::Campaign(_) => 0.75,
                Role::PreExisting => 0.35,
                _ => 0.0,
            };
            if acct.follows.iter().all(Option::is_none) || !self.chance(p) {
                continue;
            }
            let t = self.time_in_day(d);
            for (i, f) in acct.follows.into_iter().enumerate() {
                let Some(f) = f else { continue };
                let seen = acct.role != Role::PreExisting;
                let ev = Ev::Unfollow {
                    follow_t: f.t,
                    follow_clock: f.clock,
                    own_target: true,
                    seen,
                };
                if self.push(t + i as i64 * MIN, a, ev).is_some() {
                    self.accts[a as usize].follows[i] = None;
                }
            }
            if acct.role == Role::Organic && self.chance(0.06) {
                let back = d + self.rng.random_range(30..200);
                if back < self.days() {
                    self.refollows[back as usize].push(a);
                }
            }
        }
        for a in std::mem::take(&mut self.refollows[d as usize]) {
            let life = self.exp(120.0);
            let acct = &mut self.accts[a as usize];
            acct.start = d;
            acct.end = (d as f64 + life.max(1.0)).min(self.cfg.days as f64) as u32;
            let end = acct.end;
            let own = acct.lang;
            if end < self.days() {
                self.ends[end as usize].push(a);
            }
            let t = self.time_in_day(d);
            self.follow_own(a, own, t);
        }
    }

    fn rebuild_engagers(&mut self, d: u32) {
        for list in &mut self.engagers {
            list.clear();
        }
        let mut sums = [0.0f64; 3];
        for (i, a) in self.accts.iter().enumerate() {
            if a.engage <= 0.0 || d < a.start || d >= a.end || a.role.fake_family().is_some() {
                continue;
            }
            for f in a.follows.iter().flatten() {
                let o = f.own as usize;
                sums[o] += a.engage as f64;
                self.engagers[o].push((i as u32, sums[o]));
            }
        }
    }

    fn pick_engager(&mut self, o: usize) -> Option<u32> {
        let list = &self.engagers[o];
        let total = list.last()?.1;
        let x = self.rng.random::<f64>() * total;
        let i = list.partition_point(|(_, c)| *c <= x).min(list.len() - 1);
        Some(self.engagers[o][i].0)
    }

    fn own_posts(&mut self, d: u32) {
        let days = self.days();
        let flood = (day_at(days, 0.62)..day_at(days, 0.69)).contains(&d);
        for o in 0..3usize {
            let rate = match o {
                0 => 1.1 + if flood { 3.2 } else { 0.0 },
                1 => 0.6,
                _ => 0.35,
            };
            let n = self.poisson(rate);
            self.own_posts_per_day[o].push_back(n);
            if self.own_posts_per_day[o].len() > 7 {
                self.own_posts_per_day[o].pop_front();
            }
            for _ in 0..n {
                let t0 = self.day_start(d);
                let t = t0 + self.rng.random_range(7 * HOUR..19 * HOUR);
                let topic = self.rng.random_range(0..TOPICS.len() as u8);
                let tpl = self.rng.random_range(0..4u8);
                let mention = if self.chance(0.08) {
                    self.amplifiers
                        .iter()
                        .rev()
                        .copied()
                        .find(|a| self.accts[*a as usize].topic == topic)
                } else {
                    None
                };
                let link = o < 2 && self.chance(0.15);
                let Some((t, clock)) = self.push(
                    t,
                    o as u32,
                    Ev::OwnPost {
                        topic,
                        tpl,
                        mention,
                        link,
                    },
                ) else {
                    continue;
                };
                let p = PostRef {
                    author: o as u32,
                    t,
                    clock,
                };
                self.latest_own[o] = Some(p);
                if o == 0 {
                    let uri = self.post_uri(p);
                    for c in &mut self.campaigns {
                        if c.promote && (c.from..c.to).contains(&d) {
                            c.promoted.push(format!("bluesky:{uri}"));
                        }
                    }
                }
                self.engage_own(o, p, topic, d);
                if link {
                    // Readers who click the tagged link and buy.
                    let clicks = self.engagers[o].last().map_or(0.0, |x| x.1) * 0.02;
                    for _ in 0..self.poisson(clicks) {
                        let at = self.later(t, 600.0);
                        let name = TOPICS[topic as usize].name;
                        self.convert(at, None, "bluesky", "social", name);
                    }
                }
            }
        }
    }

    /// The chance that a like through `amp`'s reshare turns `j` into a
    /// follower. It grows with the number of distinct amplifiers `j` has
    /// heard of us from (complex contagion: one voice is noise, several are
    /// a signal), which is the closeness `levain suggest` looks for.
    fn conversion(&mut self, j: u32, amp: u32) -> f64 {
        let heard = self.exposed.entry(j).or_default();
        if !heard.contains(&amp) {
            heard.push(amp);
        }
        CONVERSION[heard.len().min(CONVERSION.len()) - 1]
    }

    fn engage_own(&mut self, o: usize, p: PostRef, topic: u8, d: u32) {
        let n7: u32 = self.own_posts_per_day[o].iter().sum();
        // Past ten posts a week, each post gets less attention.
        let cadence = (10.0 / n7.max(1) as f64).min(1.0).powf(0.7);
        let mu = self.engagers[o].last().map_or(0.0, |x| x.1) * cadence;
        let k = self.poisson(mu);
        let mut picked: HashSet<u32> = HashSet::with_capacity(k as usize);
        let mut tries = 0;
        while picked.len() < k as usize && tries < 3 * k {
            tries += 1;
            let Some(a) = self.pick_engager(o) else { break };
            if !picked.insert(a) {
                continue;
            }
            let lt = self.later(p.t, 300.0);
            if let Some((lt, lc)) = self.push(lt, a, Ev::Like { post: p, via: None })
                && self.chance(0.004)
            {
                let del = lt + self.rng.random_range(HOUR..30 * DAY);
                self.push(
                    del,
                    a,
                    Ev::DeleteLike {
                        like_t: lt,
                        like_clock: lc,
                    },
                );
            }
            if self.chance(0.05) {
                let rt = self.later(p.t, 240.0);
                self.push(rt, a, Ev::Repost { post: p });
            }
            if self.chance(0.035) {
                let lang = self.accts[a as usize].lang;
                let text = self.rng.random_range(0..8u8) + 8 * lang;
                let rt = self.later(p.t, 180.0);
                if let Some((rt, rc)) = self.push(
                    rt,
                    a,
                    Ev::Reply {
                        parent: p,
                        root: p,
                        text,
                        kind: ReplyKind::Audience,
                    },
                ) && (text % 8 == 2 || text % 8 == 3)
                    && o != 2
                    && self.chance(0.75)
                {
                    let at = self.later(rt, 180.0);
                    let reply = PostRef {
                        author: a,
                        t: rt,
                        clock: rc,
                    };
                    let answer = self.rng.random_range(0..3u8) + 3 * o as u8;
                    self.push(
                        at,
                        o as u32,
                        Ev::Reply {
                            parent: reply,
                            root: p,
                            text: answer,
                            kind: ReplyKind::OwnAnswer,
                        },
                    );
                }
            }
            if self.chance(0.008) {
                let qt = self.later(p.t, 240.0);
                self.push(qt, a, Ev::Quote { of: p });
            }
        }
        // Amplifiers on the topic reshare; their audience likes through them.
        let amps: Vec<u32> = self
            .amplifiers
            .iter()
            .copied()
            .filter(|a| {
                let x = &self.accts[*a as usize];
                x.topic == topic
                    && x.start <= d
                    && d < x.end
                    && x.follows.iter().flatten().any(|f| f.own as usize == o)
            })
            .collect();
        for amp in amps {
            if !self.chance(0.55) {
                continue;
            }
            let rt = self.later(p.t, 120.0);
            let Some((rt, rc)) = self.push(rt, amp, Ev::Repost { post: p }) else {
                continue;
            };
            let via = RecRef {
                actor: amp,
                t: rt,
                clock: rc,
            };
            for i in 0..self.accts[amp as usize].audience.len() {
                let j = self.accts[amp as usize].audience[i];
                if self.chance(0.12) {
                    let lt = self.later(rt, 180.0);
                    self.push(
                        lt,
                        j,
                        Ev::Like {
                            post: p,
                            via: Some(via),
                        },
                    );
                    let fresh = self.accts[j as usize].follows.iter().all(Option::is_none);
                    let converts = fresh && {
                        let p = self.conversion(j, amp);
                        self.chance(p)
                    };
                    if converts {
                        self.exposed.remove(&j);
                        let ft = lt + self.rng.random_range(MIN..2 * DAY);
                        self.follow_own(j, o as u8, ft);
                        let life = self.exp(300.0);
                        let acct = &mut self.accts[j as usize];
                        acct.engage = 0.03;
                        acct.start = d;
                        acct.end = (d as f64 + life.max(1.0)).min(self.cfg.days as f64) as u32;
                        let end = acct.end;
                        if end < self.cfg.days {
                            self.ends[end as usize].push(j);
                        }
                    }
                }
            }
        }
        if o != 1 {
            let friends = self.friends.clone();
            for f in friends {
                let like_p = if o == 2 { 0.75 } else { 0.45 };
                if self.chance(like_p) {
                    let lt = self.later(p.t, 180.0);
                    self.push(lt, f, Ev::Like { post: p, via: None });
                }
                if self.chance(0.08) {
                    let rt = self.later(p.t, 240.0);
                    let text = [0u8, 1, 6, 7][self.rng.random_range(0..4)];
                    self.push(
                        rt,
                        f,
                        Ev::Reply {
                            parent: p,
                            root: p,
                            text,
                            kind: ReplyKind::Audience,
                        },
                    );
                }
            }
        }
        if o != 2 {
            let n = self.poisson(0.5 + 0.5 * self.s.sqrt());
            for _ in 0..n {
                let a = self.new_account(Role::OneTime, d, 0, topic, 0.0, 1.0);
                let lt = self.later(p.t, 360.0);
                self.push(lt, a, Ev::Like { post: p, via: None });
            }
        }
        let days = self.days();
        if o == 0
            && (day_at(days, 0.47)..day_at(days, 0.55)).contains(&d)
            && self.farm_targets.len() < 45
        {
            self.farm_targets.push(p);
            for f in self.farm.clone() {
                if self.chance(0.92) {
                    let lt = p.t + self.rng.random_range(30_000_000..10 * MIN);
                    self.push(lt, f, Ev::Like { post: p, via: None });
                }
            }
        }
        if o == 0 && (day_at(days, 0.71)..day_at(days, 0.82)).contains(&d) {
            self.pod_engage(p, None);
        }
    }

    /// Pod members like and reply to `p` within minutes (except its author).
    fn pod_engage(&mut self, p: PostRef, author: Option<u32>) {
        for m in self.pod.clone() {
            if Some(m) == author {
                continue;
            }
            if self.chance(0.95) {
                let lt = p.t + (self.exp(5.0) * MIN as f64) as i64 + 20_000_000;
                self.push(lt, m, Ev::Like { post: p, via: None });
            }
            if self.chance(0.6) {
                let rt = p.t + (self.exp(12.0) * MIN as f64) as i64 + 40_000_000;
                let text = self.rng.random_range(0..text::POD_REPLIES.len() as u8);
                self.push(
                    rt,
                    m,
                    Ev::Reply {
                        parent: p,
                        root: p,
                        text,
                        kind: ReplyKind::Pod,
                    },
                );
            }
        }
    }

    fn community_posts(&mut self, d: u32) {
        if self.posters.is_empty() {
            return;
        }
        let n = self.poisson(0.08 * self.posters.len() as f64);
        for _ in 0..n {
            let a = self.posters[self.rng.random_range(0..self.posters.len())];
            let acct = &self.accts[a as usize];
            if d < acct.start || d >= acct.end {
                continue;
            }
            let t = self.time_in_day(d);
            let text = self.rng.random_range(0..text::OTHER_POSTS.len() as u8);
            let Some((t, clock)) = self.push(t, a, Ev::Other { text }) else {
                continue;
            };
            let p = PostRef {
                author: a,
                t,
                clock,
            };
            self.popular.push_back(p);
            if self.popular.len() > 500 {
                self.popular.pop_front();
            }
            let likes = self.poisson(1.5);
            let mut seen = HashSet::new();
            for _ in 0..likes {
                if let Some(l) = self.pick_engager(0)
                    && l != a
                    && seen.insert(l)
                {
                    let lt = self.later(t, 300.0);
                    self.push(lt, l, Ev::Like { post: p, via: None });
                }
            }
        }
    }

    /// A like by a fake account on a random community post, once per post.
    fn fake_like_popular(&mut self, actor: u32, t: i64) {
        if self.popular.is_empty() {
            return;
        }
        let p = self.popular[self.rng.random_range(0..self.popular.len())];
        if p.t < t && self.fake_likes.insert((actor, p.author, p.t)) {
            self.push(t, actor, Ev::Like { post: p, via: None });
        }
    }

    fn fakes(&mut self, d: u32) {
        let days = self.days();
        let t0 = self.day_start(d);
        // Like farm: created two days before its window; camouflage likes.
        let (farm_from, farm_to) = (day_at(days, 0.47), day_at(days, 0.55));
        if d + 2 == farm_from {
            for _ in 0..60 {
                let a = self.new_account(Role::Farm, d, 0, 0, 0.0, f64::MAX);
                self.farm.push(a);
                let t = self.time_in_day(d);
                self.push(t, a, Ev::Identity(a));
            }
        }
        if (farm_from..farm_to).contains(&d) {
            for f in self.farm.clone() {
                for _ in 0..self.poisson(0.35) {
                    let t = self.time_in_day(d);
                    self.fake_like_popular(f, t);
                }
            }
        }
        // Bought followers: one burst, then most leave together.
        let bought_day = day_at(days, 0.27);
        if d == bought_day {
            let burst = t0 + 14 * HOUR;
            for _ in 0..300 {
                let a = self.new_account(Role::Bought, d, 0, 0, 0.0, f64::MAX);
                self.bought.push(a);
                let ft = burst + self.rng.random_range(-3 * HOUR..3 * HOUR);
                let it = ft - self.rng.random_range(5 * MIN..90 * MIN);
                self.push(it, a, Ev::Identity(a));
                self.follow_own(a, 0, ft);
            }
        }
        if d == bought_day + 40 {
            for a in self.bought.clone() {
                if self.chance(0.7) {
                    let t = t0 + 9 * HOUR + self.rng.random_range(0..6 * HOUR);
                    if let Some(f) = self.accts[a as usize].follows[0] {
                        let ev = Ev::Unfollow {
                            follow_t: f.t,
                            follow_clock: f.clock,
                            own_target: true,
                            seen: true,
                        };
                        if self.push(t, a, ev).is_some() {
                            self.accts[a as usize].follows[0] = None;
                        }
                    }
                }
            }
        }
        // Engagement pod: members follow each other and the brand, then
        // like and reply to each other's posts within minutes.
        let (pod_from, pod_to) = (day_at(days, 0.71), day_at(days, 0.82));
        if d == pod_from {
            for _ in 0..10 {
                let a = self.new_account(Role::Pod, d, 1, 0, 0.0, f64::MAX);
                self.pod.push(a);
                let t = t0 + self.rng.random_range(0..HOUR);
                self.push(t, a, Ev::Identity(a));
                self.follow_own(a, 0, t + 2 * HOUR);
            }
            for &a in &self.pod.clone() {
                for &b in &self.pod.clone() {
                    if a != b {
                        let t = t0 + 3 * HOUR + self.rng.random_range(0..3 * HOUR);
                        self.push(t, a, Ev::Follow { target: b });
                    }
                }
            }
        }
        if (pod_from..pod_to).contains(&d) {
            for m in self.pod.clone() {
                if self.chance(0.5) {
                    let t = self.time_in_day(d);
                    let text = self.rng.random_range(0..text::OTHER_POSTS.len() as u8);
                    if let Some((t, clock)) = self.push(t, m, Ev::Other { text }) {
                        self.pod_engage(
                            PostRef {
                                author: m,
                                t,
                                clock,
                            },
                            Some(m),
                        );
                    }
                }
            }
        }
        // Follow-back ring: follow, and take the follow back if not returned.
        let (ring_from, ring_to) = (day_at(days, 0.18), day_at(days, 0.91));
        if d == ring_from {
            for _ in 0..40 {
                let a = self.new_account(Role::Ring, d, 0, 0, 0.0, f64::MAX);
                self.ring.push(a);
                let t = t0 + self.rng.random_range(0..2 * HOUR);
                self.push(t, a, Ev::Identity(a));
            }
            for &a in &self.ring.clone() {
                for &b in &self.ring.clone() {
                    if a != b {
                        let t = t0 + 3 * HOUR + self.rng.random_range(0..12 * HOUR);
                        self.push(t, a, Ev::Follow { target: b });
                    }
                }
            }
        }
        if (ring_from + 1..ring_to).contains(&d) {
            for m in self.ring.clone() {
                if !self.chance(0.04) {
                    continue;
                }
                let t = self.time_in_day(d);
                let mut targets = vec![];
                if self.accts[m as usize].follows[0].is_none() {
                    targets.push(0u32);
                }
                for _ in 0..3 {
                    if let Some(x) = self.pick_engager(0) {
                        targets.push(x);
                    }
                }
                targets.sort_unstable();
                targets.dedup();
                for (i, target) in targets.into_iter().enumerate() {
                    let ft = t + i as i64 * 20_000_000;
                    let back = d + self.rng.random_range(3..7u32);
                    if target == 0 {
                        self.follow_own(m, 0, ft);
                        if let Some(f) = self.accts[m as usize].follows[0]
                            && back < days
                        {
                            self.ring_takebacks[back as usize].push(RingFollow {
                                actor: m,
                                target: 0,
                                t: f.t,
                                clock: f.clock,
                            });
                        }
                    } else if let Some((ft, fc)) = self.push(ft, m, Ev::Follow { target })
                        && back < days
                    {
                        self.ring_takebacks[back as usize].push(RingFollow {
                            actor: m,
                            target,
                            t: ft,
                            clock: fc,
                        });
                    }
                }
            }
        }
        for rf in std::mem::take(&mut self.ring_takebacks[d as usize]) {
            let t = self.time_in_day(d).max(rf.t + MIN);
            let own_target = rf.target == 0;
            let ev = Ev::Unfollow {
                follow_t: rf.t,
                follow_clock: rf.clock,
                own_target,
                seen: true,
            };
            if self.push(t, rf.actor, ev).is_some() && own_target {
                self.accts[rf.actor as usize].follows[0] = None;
            }
        }
        // Bots: a tick every 60 to 240 minutes, day and night, to the second.
        let (bot_from, bot_to) = (day_at(days, 0.55), day_at(days, 0.82));
        if d == bot_from {
            for i in 0..10i64 {
                let a = self.new_account(Role::Bot, d, 1, 0, 0.0, f64::MAX);
                let t = t0 + self.rng.random_range(0..HOUR);
                self.push(t, a, Ev::Identity(a));
                self.push(t + MIN, a, Ev::Profile(a));
                self.bots.push((a, (60 + 20 * i) * MIN, t + 2 * MIN, 0));
            }
        }
        if (bot_from..bot_to).contains(&d) {
            let day_end = t0 + DAY;
            for b in 0..self.bots.len() {
                loop {
                    let (a, period, next, ticks) = self.bots[b];
                    if next >= day_end {
                        break;
                    }
                    let jitter = self.rng.random_range(-20_000_000..20_000_000);
                    let t = next + jitter;
                    match ticks % 25 {
                        0 => {
                            let text = (ticks / 25 % 2) as u8;
                            self.push(t, a, Ev::BotPost { text });
                        }
                        1 => {
                            if let Some(p) = self.latest_own[0]
                                && p.t < t
                                && self.fake_likes.insert((a, u32::MAX, p.t))
                            {
                                self.push(t, a, Ev::Repost { post: p });
                            }
                        }
                        _ => match self.latest_own[0] {
                            Some(p) if p.t < t && self.fake_likes.insert((a, p.author, p.t)) => {
                                self.push(t, a, Ev::Like { post: p, via: None });
                            }
                            _ => self.fake_like_popular(a, t),
                        },
                    }
                    self.bots[b] = (a, period, next + period, ticks + 1);
                }
            }
        }
    }

    /// A conversion, kept for conversions.csv (in time order at the end).
    fn convert(
        &mut self,
        at: i64,
        campaign: Option<usize>,
        source: &str,
        medium: &str,
        utm_campaign: &str,
    ) {
        if at >= self.end_t {
            return;
        }
        let value = ((15.0 + self.exp(30.0)) * 100.0).round() / 100.0;
        self.conversions.push(TruthConversion {
            at: rfc3339_micros(at),
            value,
            currency: "EUR".into(),
            channel: if source.is_empty() {
                String::new()
            } else {
                "bluesky".into()
            },
            campaign: campaign
                .map(|c| self.campaigns[c].name.to_owned())
                .unwrap_or_default(),
            utm_source: source.into(),
            utm_medium: medium.into(),
            utm_campaign: utm_campaign.into(),
        });
    }

    /// Paid campaigns' own conversions, and direct ones nobody can attribute.
    fn daily_conversions(&mut self, d: u32) {
        for c in 0..self.campaigns.len() {
            if (self.campaigns[c].from..self.campaigns[c].to).contains(&d) {
                for _ in 0..self.poisson(1.2 * self.s) {
                    let at = self.time_in_day(d);
                    let name = self.campaigns[c].name;
                    self.convert(at, Some(c), "bluesky", "paid_social", name);
                }
            }
        }
        for _ in 0..self.poisson(0.4 * self.s) {
            let at = self.time_in_day(d);
            self.convert(at, None, "", "", "");
        }
    }

    fn count(&mut self, key: &str) {
        *self.counts.by_type.entry(key.to_owned()).or_default() += 1;
        self.counts.events += 1;
    }

    fn write(&mut self, e: &Scheduled) -> io::Result<()> {
        let me = self.did(e.actor);
        let clock = e.clock as u64;
        match e.ev {
            Ev::Identity(a) => {
                self.identity_seq += 1;
                let h = self.handle(a);
                self.out
                    .identity(&me, &h, e.t, 1_000_000 + self.identity_seq)?;
                self.count("identity");
            }
            Ev::Profile(a) => {
                let (name, bio) = match self.accts[a as usize].role {
                    Role::Own if a == 0 => (
                        "L'Atelier du Rayon".to_owned(),
                        "Atelier vélo associatif à Lyon · https://latelierdurayon.fr".to_owned(),
                    ),
                    Role::Own if a == 1 => (
                        "Rayon Workshop".to_owned(),
                        "Community bike workshop in Lyon · https://latelierdurayon.fr/en"
                            .to_owned(),
                    ),
                    Role::Own => (
                        "Camille Martin".to_owned(),
                        "Community manager @latelierdurayon.fr · vélo, ville, café".to_owned(),
                    ),
                    Role::Bot => (
                        "Deals 4 Bikes".to_owned(),
                        "Best deals 💰 follow for more".to_owned(),
                    ),
                    _ => {
                        let topic = TOPICS[self.accts[a as usize].topic as usize].name;
                        let bio = format!("Passionné·e de vélo · #{topic}");
                        match self.persona(a) {
                            Some(kind) => {
                                self.personas_written.push(a);
                                let site = (kind == identity::Kind::BioSite)
                                    .then(|| identity::personal_site(self.cfg.seed, a));
                                (
                                    identity::display_name(self.cfg.seed, a),
                                    site.map_or(bio.clone(), |s| format!("{bio} · {s}")),
                                )
                            }
                            None => (
                                self.handle(a).split('.').next().unwrap_or("").to_owned(),
                                bio,
                            ),
                        }
                    }
                };
                self.out.profile(&me, e.t, clock, &name, &bio)?;
                self.count("app.bsky.actor.profile/create");
            }
            Ev::OwnPost {
                topic,
                tpl,
                mention,
                link,
            } => {
                let tp = &TOPICS[topic as usize];
                let lang = self.accts[e.actor as usize].lang;
                let template = if lang == 0 {
                    tp.fr[tpl as usize]
                } else {
                    tp.en[tpl as usize]
                };
                let (mut text, range) = text::fill(template, tp.tag);
                let hashtag = range.map(|(a, b)| (a, b, tp.tag));
                let mut mention_span = None;
                let mention_did;
                if let Some(m) = mention {
                    mention_did = self.did(m);
                    let h = self.handle(m);
                    text.push_str(if lang == 0 { " Merci " } else { " Thanks " });
                    let a = text.len();
                    text.push('@');
                    text.push_str(&h);
                    mention_span = Some((a, text.len(), mention_did.as_str()));
                }
                let url;
                let mut link_span = None;
                if link {
                    url = format!(
                        "https://latelierdurayon.fr/{}?utm_source=bluesky&utm_medium=social&utm_campaign={}",
                        tp.name, tp.name
                    );
                    text.push(' ');
                    let a = text.len();
                    text.push_str(&url);
                    link_span = Some((a, text.len(), url.as_str()));
                }
                let spec = PostSpec {
                    text: &text,
                    lang: if lang == 0 { "fr" } else { "en" },
                    hashtag,
                    mention: mention_span,
                    link: link_span,
                    reply: None,
                    quote: None,
                };
                self.out.post(&me, e.t, clock, &spec)?;
                self.count("app.bsky.feed.post/create");
            }
            Ev::Reply {
                parent,
                root,
                text,
                kind,
            } => {
                let (body, lang) = match kind {
                    ReplyKind::Audience if text < 8 => (text::REPLIES_FR[text as usize].text, "fr"),
                    ReplyKind::Audience => (text::REPLIES_EN[text as usize - 8].text, "en"),
                    ReplyKind::OwnAnswer if text < 3 => (text::OWN_ANSWERS_FR[text as usize], "fr"),
                    ReplyKind::OwnAnswer => (text::OWN_ANSWERS_EN[text as usize - 3], "en"),
                    ReplyKind::Pod => (text::POD_REPLIES[text as usize], "en"),
                };
                let (pu, ru) = (self.post_uri(parent), self.post_uri(root));
                let spec = PostSpec {
                    text: body,
                    lang,
                    hashtag: None,
                    mention: None,
                    link: None,
                    reply: Some((&pu, &ru)),
                    quote: None,
                };
                self.out.post(&me, e.t, clock, &spec)?;
                self.count("app.bsky.feed.post/create");
            }
            Ev::Quote { of } => {
                let q = self.post_uri(of);
                let fr = self.accts[e.actor as usize].lang == 0;
                let body = text::QUOTES[usize::from(!fr)].text;
                let spec = PostSpec {
                    text: body,
                    lang: if fr { "fr" } else { "en" },
                    hashtag: None,
                    mention: None,
                    link: None,
                    reply: None,
                    quote: Some(&q),
                };
                self.out.post(&me, e.t, clock, &spec)?;
                self.count("app.bsky.feed.post/create");
            }
            Ev::Other { text } | Ev::BotPost { text } => {
                let body = match e.ev {
                    Ev::BotPost { .. } => text::BOT_TEXTS[text as usize],
                    _ => text::OTHER_POSTS[text as usize],
                };
                let lang = if body.is_ascii() { "en" } else { "fr" };
                let spec = PostSpec {
                    text: body,
                    lang,
                    hashtag: None,
                    mention: None,
                    link: None,
                    reply: None,
                    quote: None,
                };
                self.out.post(&me, e.t, clock, &spec)?;
                self.count("app.bsky.feed.post/create");
            }
            Ev::Like { post, via } => {
                let subject = self.post_uri(post);
                let via = via.map(|v| {
                    format!(
                        "at://{}/{REPOST}/{}",
                        self.did(v.actor),
                        tid(v.t, v.clock as u64)
                    )
                });
                self.out
                    .subject(LIKE, &me, e.t, clock, &subject, via.as_deref())?;
                self.count("app.bsky.feed.like/create");
            }
            Ev::Repost { post } => {
                let subject = self.post_uri(post);
                self.out.subject(REPOST, &me, e.t, clock, &subject, None)?;
                self.count("app.bsky.feed.repost/create");
            }
            Ev::Follow { target } => {
                let subject = self.did(target);
                self.out.follow(&me, e.t, clock, &subject)?;
                self.count("app.bsky.graph.follow/create");
                if target < 3 {
                    self.counts.own_follows += 1;
                }
            }
            Ev::Unfollow {
                follow_t,
                follow_clock,
                own_target,
                seen,
            } => {
                self.out
                    .delete(&me, e.t, clock, FOLLOW, &tid(follow_t, follow_clock as u64))?;
                self.count("app.bsky.graph.follow/delete");
                if own_target {
                    self.counts.own_unfollows += 1;
                }
                if !seen {
                    self.counts.unfollows_of_unseen_follows += 1;
                }
            }
            Ev::DeleteLike { like_t, like_clock } => {
                self.out
                    .delete(&me, e.t, clock, LIKE, &tid(like_t, like_clock as u64))?;
                self.count("app.bsky.feed.like/delete");
            }
        }
        Ok(())
    }

    fn drain(&mut self, until: i64) -> io::Result<()> {
        while self.heap.peek().is_some_and(|e| e.t < until) {
            let e = self.heap.pop().expect("peeked");
            self.write(&e)?;
        }
        Ok(())
    }

    fn truth(&self) -> Truth {
        let mut t = Truth {
            seed: self.cfg.seed,
            scale: self.cfg.scale.to_string(),
            start: rfc3339(START),
            end: rfc3339(self.end_t),
            counts: self.counts.clone(),
            ..Truth::default()
        };
        let key = |a: u32| format!("bluesky:{}", self.did(a));
        for (i, role) in ["brand_fr", "brand_en", "personal"].iter().enumerate() {
            t.own.push(TruthAccount {
                account: key(i as u32),
                handle: OWN_HANDLES[i].into(),
                role: (*role).into(),
                lang: if i == 1 { "en" } else { "fr" }.into(),
            });
        }
        for c in &self.campaigns {
            t.campaigns.push(TruthCampaign {
                channel: "bluesky".into(),
                name: c.name.into(),
                start: rfc3339(self.day_start(c.from)),
                end: rfc3339(self.day_start(c.to)),
                spend: c.spend,
                currency: "EUR".into(),
                promoted_posts: c.promoted.clone(),
                followers: c.followers,
            });
        }
        for (i, a) in self.accts.iter().enumerate() {
            let i = i as u32;
            let ever_followed = matches!(
                a.role,
                Role::Organic
                    | Role::Core
                    | Role::Amplifier
                    | Role::Campaign(_)
                    | Role::PreExisting
                    | Role::Friend
                    | Role::Bought
                    | Role::Pod
            ) || (a.role == Role::Downstream && a.engage > 0.0)
                || (a.role == Role::Ring);
            if let Some(fam) = a.role.fake_family() {
                t.fake_accounts.insert(key(i), fam.into());
            }
            if !ever_followed {
                continue;
            }
            let source = match a.role {
                Role::Campaign(c) => format!("campaign:{}", self.campaigns[c as usize].name),
                Role::PreExisting => "pre_existing".into(),
                Role::Friend => "friend".into(),
                r => r.fake_family().unwrap_or("organic").into(),
            };
            t.followers.insert(key(i), source);
            match a.role {
                Role::Core => t.core.push(key(i)),
                Role::Amplifier => t.amplifiers.push(TruthAmplifier {
                    account: key(i),
                    topic: TOPICS[a.topic as usize].name.into(),
                    audience: a.audience.len() as u64,
                    strength: a.audience.len() as f64 * 0.12 * 0.55,
                }),
                _ => {}
            }
        }
        t.friends = self.friends.iter().map(|a| key(*a)).collect();
        t.conversions = self.conversions.clone();
        t.conversions.sort_by(|a, b| a.at.cmp(&b.at));
        let days = self.days();
        let window = |f: f64, g: f64| {
            (
                rfc3339(self.day_start(day_at(days, f))),
                rfc3339(self.day_start(day_at(days, g))),
            )
        };
        let brand = vec![key(0)];
        let mut group =
            |pattern: &str, members: &[u32], targets: Vec<String>, (from, to): (String, String)| {
                if !members.is_empty() {
                    t.groups.push(TruthGroup {
                        pattern: pattern.into(),
                        accounts: members.iter().map(|a| key(*a)).collect(),
                        targets,
                        from,
                        to,
                    });
                }
            };
        let farm_targets = self
            .farm_targets
            .iter()
            .map(|p| format!("bluesky:{}", self.post_uri(*p)))
            .collect();
        group("like_farm", &self.farm, farm_targets, window(0.47, 0.55));
        let bd = day_at(days, 0.27);
        group(
            "bought_followers",
            &self.bought,
            brand.clone(),
            (
                rfc3339(self.day_start(bd)),
                rfc3339(self.day_start(bd + 41)),
            ),
        );
        group("pod", &self.pod, brand.clone(), window(0.71, 0.82));
        group("follow_ring", &self.ring, brand.clone(), window(0.18, 0.91));
        let bots: Vec<u32> = self.bots.iter().map(|b| b.0).collect();
        group("bot", &bots, brand, window(0.55, 0.82));
        t
    }
}

pub(crate) fn run<W: Write>(
    cfg: &Config,
    out: EventWriter<W>,
    progress: &mut dyn FnMut(f64),
) -> io::Result<(Truth, EventWriter<W>, Vec<identity::Persona>)> {
    let days = simulated_days(cfg);
    let cfg = Config {
        days,
        ..cfg.clone()
    };
    let mut sim = Sim {
        s: cfg.scale.factor(),
        rng: ChaCha8Rng::seed_from_u64(cfg.seed),
        out,
        accts: Vec::new(),
        heap: BinaryHeap::new(),
        seq: 0,
        clock: 0,
        end_t: START + days as i64 * DAY,
        ends: vec![Vec::new(); days as usize + 1],
        refollows: vec![Vec::new(); days as usize + 1],
        ring_takebacks: (0..=days).map(|_| Vec::new()).collect(),
        engagers: [Vec::new(), Vec::new(), Vec::new()],
        amplifiers: Vec::new(),
        downstream: vec![Vec::new(); TOPICS.len()],
        exposed: HashMap::new(),
        posters: Vec::new(),
        friends: Vec::new(),
        farm: Vec::new(),
        farm_targets: Vec::new(),
        bought: Vec::new(),
        pod: Vec::new(),
        ring: Vec::new(),
        bots: Vec::new(),
        fake_likes: HashSet::new(),
        popular: VecDeque::new(),
        latest_own: [None; 3],
        own_posts_per_day: [VecDeque::new(), VecDeque::new(), VecDeque::new()],
        campaigns: Vec::new(),
        conversions: Vec::new(),
        counts: Counts::default(),
        identity_seq: 0,
        personas_written: Vec::new(),
        cfg,
    };
    sim.setup();
    for d in 0..days {
        sim.arrivals(d);
        sim.lifecycle(d);
        if d % 7 == 0 {
            sim.rebuild_engagers(d);
        }
        sim.own_posts(d);
        sim.community_posts(d);
        sim.fakes(d);
        sim.daily_conversions(d);
        sim.drain(sim.day_start(d + 1))?;
        progress((d + 1) as f64 / days as f64);
    }
    sim.drain(i64::MAX)?;
    let truth = sim.truth();
    let personas = sim
        .personas_written
        .iter()
        .map(|&a| identity::Persona {
            account: format!("bluesky:{}", sim.did(a)),
            a,
            handle: sim.handle(a),
            kind: sim.persona(a).expect("written personas are personas"),
        })
        .collect();
    Ok((truth, sim.out, personas))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_parse_from_names_and_numbers() {
        assert_eq!("small".parse::<Scale>().unwrap(), Scale::Small);
        assert_eq!(
            "10_000_000".parse::<Scale>().unwrap(),
            Scale::Events(10_000_000)
        );
        assert!("tiny".parse::<Scale>().is_err());
        assert!(Scale::Events(10_000_000).factor() > Scale::Events(1_000_000).factor());
    }
}
