//! The stream of choices a history is generated from.
//!
//! Every decision of the generator (how long to wait, who acts, which
//! command, which object) reads the next choice. Proptest supplies the
//! choices as a vector of bytes for each step, which it shrinks toward
//! fewer steps and smaller bytes; a fuzzer supplies its input as is. Choice 0 is always
//! the plainest option, so a shrunk history is a simple one.

/// A cursor over choice bytes; past the end every choice is 0.
#[derive(Debug)]
pub(crate) struct Choices<'a> {
    bytes: &'a [u8],
    next: usize,
}

impl<'a> Choices<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { bytes, next: 0 }
    }

    fn byte(&mut self) -> usize {
        let byte = self.bytes.get(self.next).copied().unwrap_or(0);
        self.next = self.next.saturating_add(1);
        usize::from(byte)
    }

    /// A number below `n` (0 when `n` is 0), scaled from one byte for up
    /// to 256 options and two beyond, so every number is about as likely
    /// and choice 0 gives 0.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let (value, range) = if n <= 256 {
            (self.byte(), 256)
        } else {
            ((self.byte() << 8) | self.byte(), 65_536)
        };
        value
            .saturating_mul(n.min(range))
            .checked_div(range)
            .unwrap_or(0)
    }

    /// True about `percent` times in a hundred; false for choice 0, so the
    /// plainest option is the one taken when the answer is "no".
    pub(crate) fn percent(&mut self, percent: u8) -> bool {
        self.below(100) >= 100_usize.saturating_sub(usize::from(percent))
    }

    /// One of `items`, if there is any.
    pub(crate) fn pick<'t, T>(&mut self, items: &'t [T]) -> Option<&'t T> {
        items.get(self.below(items.len()))
    }

    /// An index drawn with the given weights: index `i` is drawn
    /// `weights[i]` times in `sum(weights)`.
    pub(crate) fn weighted(&mut self, weights: &[u8]) -> usize {
        let total: usize = weights.iter().map(|w| usize::from(*w)).sum();
        let mut draw = self.below(total);
        for (index, weight) in weights.iter().enumerate() {
            let weight = usize::from(*weight);
            if draw < weight {
                return index;
            }
            draw = draw.saturating_sub(weight);
        }
        0
    }
}

#[cfg(test)]
mod tests {
    use super::Choices;

    #[test]
    fn past_the_end_every_choice_is_the_first() {
        let mut choices = Choices::new(&[200]);
        assert_eq!(choices.below(5), 3);
        assert_eq!(choices.below(5), 0);
        assert_eq!(choices.weighted(&[0, 3, 1]), 1);
        assert!(!choices.percent(99));
    }

    #[test]
    fn large_ranges_read_two_bytes() {
        // 0x8000 of 0x10000 is half the range.
        let mut choices = Choices::new(&[128, 0]);
        assert_eq!(choices.below(1000), 500);
    }
}
