//! Streams over list methods: follow `nextPageToken` until the service returns none.

use std::collections::HashSet;
use std::hash::{Hash, Hasher};

use futures_core::Stream;
use futures_util::{stream, TryStreamExt};
use std::pin::Pin;

use crate::error::{Error, Result};
use crate::request::{ApiRequest, Params, Request};

/// A stream of pages or items; `Unpin`, so `next().await` works on it directly.
pub type PageStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>;

/// A list method's reply.
pub trait Page {
    /// The token of the next page; `None` or empty on the last page.
    fn next_page_token(&self) -> Option<&str>;
}

/// A list method's reply with one list of items.
pub trait PageItems: Page {
    /// One item.
    type Item: Send + 'static;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
    /// A page of `items` followed by `next_page_token` (for test doubles).
    fn from_items(items: Vec<Self::Item>, next_page_token: Option<String>) -> Self;
}

/// Implements [`Page`] (and [`PageItems`] when the page has one list of items) for a generated
/// model: the field that holds `nextPageToken`, and the field that holds the items with the
/// items' type.
#[macro_export]
macro_rules! page {
    ($name:ident { $token:ident }) => {
        impl $crate::Page for $name {
            #[inline]
            fn next_page_token(&self) -> ::core::option::Option<&str> {
                self.$token.as_deref()
            }
        }
    };
    ($name:ident { $token:ident, $items:ident: $item:ty }) => {
        $crate::page!($name { $token });
        impl $crate::PageItems for $name {
            type Item = $item;
            #[inline]
            fn into_items(self) -> ::std::vec::Vec<$item> {
                self.$items.unwrap_or_default()
            }
            fn from_items(
                items: ::std::vec::Vec<$item>,
                next_page_token: ::core::option::Option<::std::string::String>,
            ) -> Self {
                let mut page = <$name as ::core::default::Default>::default();
                page.$items = ::core::option::Option::Some(items);
                page.$token = next_page_token;
                page
            }
        }
    };
}

/// A list call: implemented by the builders of methods that take a `pageToken` and return a
/// page with a `nextPageToken`.
pub trait PagedRequest: ApiRequest<Reply: Page> + Clone {
    /// Sets the page token of the next call.
    fn set_page_token(&mut self, token: String);

    /// Every page, starting at this call's page token and following `nextPageToken` until the
    /// service returns none. The stream ends with an error if the service sends a token it
    /// already sent (it would loop forever otherwise). A `fields` mask without
    /// `nextPageToken` gets it added.
    fn pages(self) -> PageStream<Self::Reply> {
        pages(self)
    }

    /// Every item of every page, fetching pages as the stream is read.
    fn items(self) -> PageStream<<Self::Reply as PageItems>::Item>
    where
        Self::Reply: PageItems,
    {
        Box::pin(
            pages(self)
                .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
                .try_flatten(),
        )
    }
}

/// Where the paging stands between two pages.
struct Paging<C> {
    next: Option<C>,
    /// Hashes of the tokens the service sent, to stop at the first that repeats.
    seen: HashSet<u64>,
    pages: u64,
}

fn pages<C: PagedRequest>(mut call: C) -> PageStream<C::Reply> {
    if let Some(extras) = call.state_mut().extras.as_deref_mut() {
        if let Some(fields) = &extras.system.fields {
            extras.system.fields = Some(keep_next_page_token(fields));
        }
    }
    // The caller's own page token counts as sent: a service that answers it with itself would
    // otherwise be asked for the same page once more before the repeat shows.
    let seen = starting_token(&call).map(token_hash).into_iter().collect();
    let start = Paging {
        next: Some(call),
        seen,
        pages: 0,
    };
    Box::pin(stream::try_unfold(start, |mut state| async move {
        let Some(call) = state.next.take() else {
            return Ok(None);
        };
        let mut next = call.clone();
        let page = call.send().await?;
        state.pages += 1;
        match page.next_page_token() {
            Some(token) if !token.is_empty() => {
                if !state.seen.insert(token_hash(token)) {
                    return Err(Error::UnexpectedReply(format!(
                        "the service sent page token {:?} again after {} pages; paging stops \
                         instead of going round in circles",
                        crate::error::excerpt(token.as_bytes()),
                        state.pages
                    )));
                }
                next.set_page_token(token.to_string());
                state.next = Some(next);
            }
            _ => {}
        }
        Ok(Some((page, state)))
    }))
}

/// The page token the call starts at, when it sets one (list methods name it `pageToken`).
fn starting_token<C: ApiRequest>(call: &C) -> Option<String> {
    let mut params = Params::default();
    call.params(&mut params);
    let (_, token) = params
        .query
        .pairs
        .iter()
        .find(|(name, _)| *name == "pageToken")?;
    (!token.is_empty()).then(|| token.to_string())
}

/// Tokens are remembered by hash: a service may send long ones, and many.
fn token_hash(token: impl Hash) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    token.hash(&mut hasher);
    hasher.finish()
}

/// A field mask that selects `nextPageToken` too: the mask unchanged when it already does (or
/// selects everything), else with `,nextPageToken` added at the top level.
pub(crate) fn keep_next_page_token(fields: &str) -> String {
    let mut depth = 0usize;
    let mut start = 0;
    let mut top_level = Vec::new();
    for (i, c) in fields.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                top_level.push(&fields[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    top_level.push(&fields[start..]);
    let selects_token = top_level.iter().any(|entry| {
        let entry = entry.trim();
        entry == "*" || entry == "nextPageToken"
    });
    if selects_token || fields.trim().is_empty() {
        fields.to_string()
    } else {
        format!("{fields},nextPageToken")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_mask_keeps_the_page_token() {
        assert_eq!(
            keep_next_page_token("operations(name)"),
            "operations(name),nextPageToken"
        );
        assert_eq!(
            keep_next_page_token("operations(name,nextPageToken)"),
            "operations(name,nextPageToken),nextPageToken"
        );
        assert_eq!(
            keep_next_page_token("nextPageToken,operations"),
            "nextPageToken,operations"
        );
        assert_eq!(keep_next_page_token(" * "), " * ");
        assert_eq!(keep_next_page_token(""), "");
        assert_eq!(keep_next_page_token("a)),b"), "a)),b,nextPageToken");
    }
}
