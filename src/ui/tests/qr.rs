use super::*;

#[test]
fn a_url_becomes_a_square_of_half_blocks() {
    let l = lines("https://auth.example/device?user_code=ABCD-EFGH").unwrap();
    let w = l[0].chars().count();
    assert!(l.iter().all(|r| r.chars().count() == w));
    // Two rows per line.
    assert!(w.div_ceil(2) <= l.len() + 1, "{w} x {}", l.len());
    assert!(l[0].chars().all(|c| c == '█'), "the quiet zone is light");
}
