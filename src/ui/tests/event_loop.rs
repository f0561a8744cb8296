use super::*;
use ratatui::backend::TestBackend;

/// Asks to be woken at a time that is already past, and counts the ticks
/// it gets.
struct Late {
    ticks: u32,
}

impl Program for Late {
    type Msg = ();
    type Cmd = ();

    fn input(&mut self, _: Event) -> Flow<()> {
        Flow::none()
    }

    fn message(&mut self, _: ()) -> Flow<()> {
        Flow::none()
    }

    fn tick(&mut self) -> Flow<()> {
        self.ticks += 1;
        if self.ticks == 3 { Flow::cmd(()) } else { Flow::none() }
    }

    fn next_wake(&self) -> Option<DateTime<Utc>> {
        Some(Utc::now() - chrono::Duration::milliseconds(1))
    }

    fn draw(&mut self, _: &mut Frame) {}
}

/// A wake time that passed while the last turn ran is due at once, not
/// never: a kiosk's page turned a millisecond after its picture moved
/// stopped both for good.
#[tokio::test]
async fn a_wake_already_past_is_due_now() {
    let mut terminal = Terminal::new(TestBackend::new(10, 3)).unwrap();
    let mut late = Late { ticks: 0 };
    let (_tx, mut rx) = mpsc::channel::<()>(1);
    let events = futures_util::stream::pending::<io::Result<Event>>();
    let run = run(
        &mut terminal,
        &mut late,
        events,
        &mut rx,
        std::future::pending(),
        |_, ()| Next::Stop(()),
    );
    let end = tokio::time::timeout(std::time::Duration::from_secs(2), run).await;
    assert!(matches!(end, Ok(Ok(End::Stopped(())))), "no tick came");
    assert_eq!(late.ticks, 3);
}
