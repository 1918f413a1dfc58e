//! Streams over list methods: follow `nextPageToken` until the service returns none.

use super::error::Result;
use futures_core::Stream;
use futures_util::{stream, TryStreamExt};
use std::future::Future;
use std::pin::Pin;

/// A stream of pages or items; `Unpin`, so `next().await` works on it directly.
pub type PageStream<T> = Pin<Box<dyn Stream<Item = Result<T>> + Send + 'static>>;

/// The future of one page.
pub(crate) type Fetch<P> = Pin<Box<dyn Future<Output = Result<P>> + Send + 'static>>;

/// A list call that can be sent again with another page token.
pub(crate) trait PagedCall: Clone + Send + 'static {
    type Page: Page + Send + 'static;
    fn set_page_token(&mut self, token: String);
    fn fetch(self) -> Fetch<Self::Page>;
}

/// A list method's reply.
pub(crate) trait Page {
    fn next_page_token(&self) -> Option<&str>;
}

/// A list method's reply with one list of items.
pub(crate) trait PageItems: Page {
    type Item: Send + 'static;
    fn into_items(self) -> Vec<Self::Item>;
}

/// Every page, starting with the call's own page token.
pub(crate) fn pages<C: PagedCall>(call: C) -> PageStream<C::Page> {
    Box::pin(stream::try_unfold(Some(call), |state| async move {
        let Some(call) = state else {
            return Ok(None);
        };
        let mut next = call.clone();
        let page = call.fetch().await?;
        let state = match page.next_page_token() {
            Some(token) if !token.is_empty() => {
                next.set_page_token(token.to_string());
                Some(next)
            }
            _ => None,
        };
        Ok(Some((page, state)))
    }))
}

/// Every item of every page.
pub(crate) fn items<C>(call: C) -> PageStream<<C::Page as PageItems>::Item>
where
    C: PagedCall,
    C::Page: PageItems,
{
    Box::pin(
        pages(call)
            .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
            .try_flatten(),
    )
}
