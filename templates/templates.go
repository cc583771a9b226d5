// Package templates embeds the portal's HTML templates and static files, so
// the binary serves every page with no CDN and no files beside it.
//
// Layout: layout.html is the frame of every page, partials.html holds
// shared blocks (pager, field errors, flash), pages/<name>.html defines the
// "title" and "content" blocks of one page; the portal parses one template
// set per page (layout + partials + page) so blocks never collide.
package templates

import "embed"

// FS holds layout.html, partials.html, pages/*.html and static/*.
//
//go:embed layout.html partials.html pages/*.html static/*
var FS embed.FS
