/**
 * Signatures of the nginx directives certboot knows: where each may appear, whether it opens a
 * block, and how many arguments it takes. Every row restates a directive's "Syntax:" and
 * "Context:" lines from its module page under https://nginx.org/en/docs/. Directives of the
 * commercial subscription (NGINX Plus) are left out on purpose: open-source nginx rejects them
 * as unknown, and a linter that accepted them would hide that.
 *
 * The table exists to report what `nginx -t` reports. Where nginx's own checks differ from the
 * docs' lines (a context the docs leave out, an argument count the prose implies but the
 * syntax line does not show), the row follows nginx and a comment above it says so: an error
 * nginx would not raise costs more in an editor than one it would.
 */

export type DirectiveContext =
  | 'main'
  | 'events'
  | 'http'
  | 'server'
  | 'location'
  | 'upstream'
  | 'server-if'
  | 'location-if'
  | 'limit_except'
  | 'mail'
  | 'mail-server'
  | 'stream'
  | 'stream-server'
  | 'stream-upstream';

export type ArgumentRule =
  | { readonly kind: 'counts'; readonly counts: readonly number[] } // exact counts allowed, each 0..7
  | { readonly kind: 'atLeast'; readonly minimum: 0 | 1 | 2 } // nginx's ANY / 1MORE / 2MORE
  | { readonly kind: 'flag' }; // exactly one argument, "on" or "off" (case-insensitive)

export interface DirectiveSignature {
  readonly contexts: readonly DirectiveContext[];
  readonly block: boolean; // true: must be followed by "{"; false: must end with ";"
  readonly arguments: ArgumentRule;
}

/*
 * The table is written as text so that each row reads like the documentation it comes from:
 *
 *   name   context context ...   arguments
 *
 * Contexts are the DirectiveContext names; the docs' "if in server" / "if in location" are
 * server-if / location-if, a plain "if" (ngx_http_rewrite_module) is both, and "server" of a
 * mail or stream module is mail-server / stream-server. `any` stands for every context.
 *
 * Arguments:  flag    exactly one argument, on | off
 *             1       exactly one;  1|2  one or two;  1-4  one to four
 *             1+      one or more (0+, 2+ likewise)
 *             {0}     a block, with the argument rule written inside the braces
 *
 * A name may appear on several rows (one per module or per distinct syntax); rows with the
 * same arguments are merged into one signature.
 */

const coreModule = `
# ngx_core_module (ngx_core_module.html) and the blocks that open the other top-level contexts
accept_mutex                  events                                 flag
accept_mutex_delay            events                                 1
daemon                        main                                   flag
debug_connection              events                                 1
debug_points                  main                                   1
# the docs show "file [level]"; nginx takes several debug levels after the file
error_log                     main http server location mail mail-server stream stream-server   1+
env                           main                                   1
events                        main                                   {0}
include                       any                                    1
load_module                   main                                   1
lock_file                     main                                   1
master_process                main                                   flag
multi_accept                  events                                 flag
pcre_jit                      main                                   flag
pid                           main                                   1
ssl_engine                    main                                   1
ssl_object_cache_inheritable  main                                   flag
thread_pool                   main                                   2|3
timer_resolution              main                                   1
use                           events                                 1
user                          main                                   1|2
worker_aio_requests           events                                 1
worker_connections            events                                 1
worker_cpu_affinity           main                                   1+
worker_priority               main                                   1
worker_processes              main                                   1
worker_rlimit_core            main                                   1
worker_rlimit_nofile          main                                   1
worker_shutdown_timeout       main                                   1
working_directory             main                                   1
http                          main                                   {0}
mail                          main                                   {0}
stream                        main                                   {0}
google_perftools_profiles     main                                   1
`;

const httpCoreModule = `
# ngx_http_core_module (http/ngx_http_core_module.html)
absolute_redirect             http server location                   flag
aio                           http server location                   1
aio_write                     http server location                   flag
alias                         location                               1
auth_delay                    http server location                   1
chunked_transfer_encoding     http server location                   flag
client_body_buffer_size       http server location                   1
client_body_in_file_only      http server location                   1
client_body_in_single_buffer  http server location                   flag
client_body_temp_path         http server location                   1-4
client_body_timeout           http server location                   1
client_header_buffer_size     http server                            1
client_header_timeout         http server                            1
client_max_body_size          http server location                   1
connection_pool_size          http server                            1
default_type                  http server location                   1
directio                      http server location                   1
directio_alignment            http server location                   1
disable_symlinks              http server location                   1|2
error_page                    http server location location-if       2+
etag                          http server location                   flag
if_modified_since             http server location                   1
ignore_invalid_headers        http server                            flag
internal                      location                               0
# "none | browser ...": nginx knows two browsers, msie6 and safari
keepalive_disable             http server location                   1|2
keepalive_requests            http server location                   1
keepalive_time                http server location                   1
keepalive_timeout             http server location                   1|2
large_client_header_buffers   http server                            2
limit_except                  location                               {1+}
limit_rate                    http server location location-if       1
limit_rate_after              http server location location-if       1
lingering_close               http server location                   1
lingering_time                http server location                   1
lingering_timeout             http server location                   1
listen                        server                                 1+
location                      server location                        {1|2}
log_not_found                 http server location                   flag
log_subrequest                http server location                   flag
max_ranges                    http server location                   1
merge_slashes                 http server                            flag
msie_padding                  http server location                   flag
msie_refresh                  http server location                   flag
open_file_cache               http server location                   1|2
open_file_cache_errors        http server location                   flag
open_file_cache_min_uses      http server location                   1
open_file_cache_valid         http server location                   1
output_buffers                http server location                   2
port_in_redirect              http server location                   flag
postpone_output               http server location                   1
read_ahead                    http server location                   1
recursive_error_pages         http server location                   flag
request_pool_size             http server                            1
reset_timedout_connection     http server location                   flag
resolver                      http server location                   1+
resolver_timeout              http server location                   1
root                          http server location location-if       1
satisfy                       http server location                   1
send_lowat                    http server location                   1
send_timeout                  http server location                   1
sendfile                      http server location location-if       flag
sendfile_max_chunk            http server location                   1
server                        http                                   {0}
server_name                   server                                 1+
server_name_in_redirect       http server location                   flag
server_names_hash_bucket_size http                                   1
server_names_hash_max_size    http                                   1
server_tokens                 http server location                   1
subrequest_output_buffer_size http server location                   1
tcp_nodelay                   http server location                   flag
tcp_nopush                    http server location                   flag
try_files                     server location                        2+
types                         http server location                   {0}
types_hash_bucket_size        http server location                   1
types_hash_max_size           http server location                   1
underscores_in_headers        http server                            flag
variables_hash_bucket_size    http                                   1
variables_hash_max_size       http                                   1
`;

const httpModules = `
# ngx_http_access_module
allow                         http server location limit_except      1
deny                          http server location limit_except      1

# ngx_http_addition_module
add_before_body               http server location                   1
add_after_body                http server location                   1
addition_types                http server location                   1+

# ngx_http_auth_basic_module
auth_basic                    http server location limit_except      1
auth_basic_user_file          http server location limit_except      1

# ngx_http_auth_request_module
auth_request                  http server location                   1
auth_request_set              http server location                   2

# ngx_http_autoindex_module
autoindex                     http server location                   flag
autoindex_exact_size          http server location                   flag
autoindex_format              http server location                   1
autoindex_localtime           http server location                   flag

# ngx_http_browser_module
ancient_browser               http server location                   1+
ancient_browser_value         http server location                   1
modern_browser                http server location                   1|2
modern_browser_value          http server location                   1

# ngx_http_charset_module
charset                       http server location location-if       1
charset_map                   http                                   {2}
charset_types                 http server location                   1+
override_charset              http server location location-if       flag
source_charset                http server location location-if       1

# ngx_http_dav_module
create_full_put_path          http server location                   flag
dav_access                    http server location                   1-3
dav_methods                   http server location                   1+
min_delete_depth              http server location                   1

# ngx_http_empty_gif_module
empty_gif                     location                               0

# ngx_http_flv_module
flv                           location                               0

# ngx_http_geo_module
geo                           http                                   {1|2}

# ngx_http_geoip_module
geoip_country                 http                                   1
geoip_city                    http                                   1
geoip_org                     http                                   1
geoip_proxy                   http                                   1
geoip_proxy_recursive         http                                   flag

# ngx_http_gunzip_module
gunzip                        http server location                   flag
gunzip_buffers                http server location                   2

# ngx_http_gzip_module
gzip                          http server location location-if       flag
gzip_buffers                  http server location                   2
gzip_comp_level               http server location                   1
gzip_disable                  http server location                   1+
gzip_http_version             http server location                   1
gzip_min_length               http server location                   1
gzip_proxied                  http server location                   1+
gzip_types                    http server location                   1+
gzip_vary                     http server location                   flag

# ngx_http_gzip_static_module
gzip_static                   http server location                   1

# ngx_http_headers_module
add_header                    http server location location-if       2|3
add_trailer                   http server location location-if       2|3
expires                       http server location location-if       1|2

# ngx_http_image_filter_module
image_filter                  location                               1-3
image_filter_buffer           http server location                   1
image_filter_interlace        http server location                   flag
image_filter_jpeg_quality     http server location                   1
image_filter_sharpen          http server location                   1
image_filter_transparency     http server location                   flag
image_filter_webp_quality     http server location                   1

# ngx_http_index_module
index                         http server location                   1+

# ngx_http_limit_conn_module
limit_conn                    http server location                   2
limit_conn_dry_run            http server location                   flag
limit_conn_log_level          http server location                   1
limit_conn_status             http server location                   1
limit_conn_zone               http                                   2

# ngx_http_limit_req_module
limit_req                     http server location                   1-3
limit_req_dry_run             http server location                   flag
limit_req_log_level           http server location                   1
limit_req_status              http server location                   1
# the docs' optional "sync" belongs to the commercial subscription
limit_req_zone                http                                   3

# ngx_http_log_module
access_log                    http server location location-if limit_except   1+
log_format                    http                                   2+
open_log_file_cache           http server location                   1-4

# ngx_http_map_module
map                           http                                   {2}
map_hash_bucket_size          http                                   1
map_hash_max_size             http                                   1

# ngx_http_mirror_module
mirror                        http server location                   1
mirror_request_body           http server location                   flag

# ngx_http_mp4_module
mp4                           location                               0
mp4_buffer_size               http server location                   1
mp4_max_buffer_size           http server location                   1
mp4_start_key_frame           http server location                   flag

# ngx_http_random_index_module
random_index                  location                               flag

# ngx_http_realip_module
set_real_ip_from              http server location                   1
real_ip_header                http server location                   1
real_ip_recursive             http server location                   flag

# ngx_http_referer_module
referer_hash_bucket_size      server location                        1
referer_hash_max_size         server location                        1
valid_referers                server location                        1+

# ngx_http_rewrite_module
break                         server location server-if location-if  0
if                            server location                        {1+}
return                        server location server-if location-if  1|2
rewrite                       server location server-if location-if  2|3
rewrite_log                   http server location server-if location-if   flag
set                           server location server-if location-if  2
uninitialized_variable_warn   http server location server-if location-if   flag

# ngx_http_secure_link_module
secure_link                   http server location                   1
secure_link_md5               http server location                   1
# the docs say location; nginx accepts it on every http level
secure_link_secret            http server location                   1

# ngx_http_slice_module
slice                         http server location                   1

# ngx_http_split_clients_module
split_clients                 http                                   {2}

# ngx_http_ssi_module
ssi                           http server location location-if       flag
ssi_last_modified             http server location                   flag
ssi_min_file_chunk            http server location                   1
ssi_silent_errors             http server location                   flag
ssi_types                     http server location                   1+
ssi_value_length              http server location                   1

# ngx_http_stub_status_module: "stub_status;" since 1.7.5, and the older "stub_status on;" still parses
stub_status                   server location                        0|1

# ngx_http_sub_module
sub_filter                    http server location                   2
sub_filter_last_modified      http server location                   flag
sub_filter_once               http server location                   flag
sub_filter_types              http server location                   1+

# ngx_http_userid_module
userid                        http server location                   1
userid_domain                 http server location                   1
userid_expires                http server location                   1
# "off | flag ...": secure, httponly and one samesite= flag
userid_flags                  http server location                   1-3
userid_mark                   http server location                   1
userid_name                   http server location                   1
userid_p3p                    http server location                   1
userid_path                   http server location                   1
userid_service                http server location                   1
`;

const httpSslModule = `
# ngx_http_ssl_module
ssl_buffer_size               http server                            1
ssl_certificate               http server                            1
ssl_certificate_cache         http server                            1-3
ssl_certificate_key           http server                            1
ssl_ciphers                   http server                            1
ssl_client_certificate        http server                            1
ssl_conf_command              http server                            2
ssl_crl                       http server                            1
ssl_dhparam                   http server                            1
ssl_early_data                http server                            flag
ssl_ecdh_curve                http server                            1
ssl_ocsp                      http server                            1
ssl_ocsp_cache                http server                            1
ssl_ocsp_responder            http server                            1
ssl_password_file             http server                            1
ssl_prefer_server_ciphers     http server                            flag
ssl_protocols                 http server                            1+
ssl_reject_handshake          http server                            flag
ssl_session_cache             http server                            1|2
ssl_session_ticket_key        http server                            1
ssl_session_tickets           http server                            flag
ssl_session_timeout           http server                            1
ssl_stapling                  http server                            flag
ssl_stapling_file             http server                            1
ssl_stapling_responder        http server                            1
ssl_stapling_verify           http server                            flag
ssl_trusted_certificate       http server                            1
ssl_verify_client             http server                            1
ssl_verify_depth              http server                            1

# ngx_http_v2_module; the push and timeout directives are obsolete but still accepted with a warning
http2                         http server                            flag
http2_body_preread_size       http server                            1
http2_chunk_size              http server location                   1
http2_idle_timeout            http server                            1
http2_max_concurrent_pushes   http server                            1
http2_max_concurrent_streams  http server                            1
http2_max_field_size          http server                            1
http2_max_header_size         http server                            1
http2_max_requests            http server                            1
http2_push                    http server location                   1
http2_push_preload            http server location                   flag
http2_recv_buffer_size        http                                   1
http2_recv_timeout            http server                            1

# ngx_http_v3_module
http3                         http server                            flag
http3_hq                      http server                            flag
http3_max_concurrent_streams  http server                            1
http3_stream_buffer_size      http server                            1
quic_active_connection_id_limit  http server                         1
quic_bpf                      main                                   flag
quic_gso                      http server                            flag
quic_host_key                 http server                            1
quic_retry                    http server                            flag
`;

/*
 * The proxied-protocol modules repeat one family of directives under their own prefixes; a
 * row here is written once with "*_" and expanded for each prefix listed after "for".
 */
const httpUpstreamFamilies = `
# shared by ngx_http_proxy_module, ngx_http_fastcgi_module, ngx_http_uwsgi_module, ngx_http_scgi_module
for proxy fastcgi uwsgi scgi
*_bind                        http server location                   1|2
*_buffer_size                 http server location                   1
*_buffering                   http server location                   flag
*_buffers                     http server location                   2
*_busy_buffers_size           http server location                   1
*_cache                       http server location                   1
*_cache_background_update     http server location                   flag
*_cache_bypass                http server location                   1+
*_cache_key                   http server location                   1
*_cache_lock                  http server location                   flag
*_cache_lock_age              http server location                   1
*_cache_lock_timeout          http server location                   1
*_cache_max_range_offset      http server location                   1
*_cache_methods               http server location                   1+
*_cache_min_uses              http server location                   1
*_cache_path                  http                                   2+
*_cache_revalidate            http server location                   flag
*_cache_use_stale             http server location                   1+
*_cache_valid                 http server location                   1+
*_connect_timeout             http server location                   1
*_force_ranges                http server location                   flag
*_hide_header                 http server location                   1
*_ignore_client_abort         http server location                   flag
*_ignore_headers              http server location                   1+
*_intercept_errors            http server location                   flag
*_limit_rate                  http server location                   1
*_max_temp_file_size          http server location                   1
*_next_upstream               http server location                   1+
*_next_upstream_timeout       http server location                   1
*_next_upstream_tries         http server location                   1
*_no_cache                    http server location                   1+
*_pass_header                 http server location                   1
*_pass_request_body           http server location                   flag
*_pass_request_headers        http server location                   flag
*_read_timeout                http server location                   1
*_request_buffering           http server location                   flag
*_send_timeout                http server location                   1
*_socket_keepalive            http server location                   flag
*_store                       http server location                   1
*_store_access                http server location                   1-3
*_temp_file_write_size        http server location                   1
*_temp_path                   http server location                   1-4

# upstream over TLS: ngx_http_proxy_module, ngx_http_uwsgi_module, ngx_http_grpc_module
for proxy uwsgi grpc
*_ssl_certificate             http server location                   1
*_ssl_certificate_cache       http server location                   1-3
*_ssl_certificate_key         http server location                   1
*_ssl_ciphers                 http server location                   1
*_ssl_conf_command            http server location                   2
*_ssl_crl                     http server location                   1
*_ssl_name                    http server location                   1
*_ssl_password_file           http server location                   1
*_ssl_protocols               http server location                   1+
*_ssl_server_name             http server location                   flag
*_ssl_session_reuse           http server location                   flag
*_ssl_trusted_certificate     http server location                   1
*_ssl_verify                  http server location                   flag
*_ssl_verify_depth            http server location                   1

# the handlers: "Context: location, if in location"
for fastcgi uwsgi scgi grpc memcached
*_pass                        location location-if                   1

# parameters passed to the application server
for fastcgi uwsgi scgi
*_param                       http server location                   2|3

# ngx_http_grpc_module and ngx_http_memcached_module take a smaller set
for grpc memcached
*_bind                        http server location                   1|2
*_buffer_size                 http server location                   1
*_connect_timeout             http server location                   1
*_next_upstream               http server location                   1+
*_next_upstream_timeout       http server location                   1
*_next_upstream_tries         http server location                   1
*_read_timeout                http server location                   1
*_send_timeout                http server location                   1
*_socket_keepalive            http server location                   flag
`;

const httpUpstreamModules = `
# ngx_http_proxy_module, beyond the shared family
proxy_cache_convert_head      http server location                   flag
proxy_cookie_domain           http server location                   1|2
# "off | cookie [flag ...]": nginx takes a cookie and at most three flags
proxy_cookie_flags            http server location                   1-4
proxy_cookie_path             http server location                   1|2
proxy_headers_hash_bucket_size  http server location                 1
proxy_headers_hash_max_size   http server location                   1
proxy_http_version            http server location                   1
proxy_method                  http server location                   1
proxy_pass                    location location-if limit_except      1
proxy_pass_trailers           http server location                   flag
proxy_redirect                http server location                   1|2
proxy_send_lowat              http server location                   1
proxy_set_body                http server location                   1
proxy_set_header              http server location                   2

# ngx_http_fastcgi_module, beyond the shared family
fastcgi_catch_stderr          http server location                   1
fastcgi_index                 http server location                   1
fastcgi_keep_conn             http server location                   flag
fastcgi_send_lowat            http server location                   1
# the docs say location; nginx accepts it on every http level
fastcgi_split_path_info       http server location                   1

# ngx_http_uwsgi_module, beyond the shared family
uwsgi_modifier1               http server location                   1
uwsgi_modifier2               http server location                   1

# ngx_http_grpc_module, beyond the shared family
grpc_hide_header              http server location                   1
grpc_ignore_headers           http server location                   1+
grpc_intercept_errors         http server location                   flag
grpc_pass_header              http server location                   1
grpc_set_header               http server location                   2

# ngx_http_memcached_module, beyond the shared family
memcached_gzip_flag           http server location                   1

# ngx_http_upstream_module
upstream                      http                                   {1}
server                        upstream                               1+
hash                          upstream                               1|2
ip_hash                       upstream                               0
keepalive                     upstream                               1
keepalive_requests            upstream                               1
keepalive_time                upstream                               1
keepalive_timeout             upstream                               1
least_conn                    upstream                               0
random                        upstream                               0-2
resolver                      upstream                               1+
resolver_timeout              upstream                               1
zone                          upstream                               1|2
`;

const streamModules = `
# ngx_stream_core_module
listen                        stream-server                          1+
preread_buffer_size           stream stream-server                   1
preread_timeout               stream stream-server                   1
proxy_protocol_timeout        stream stream-server                   1
resolver                      stream stream-server                   1+
resolver_timeout              stream stream-server                   1
server                        stream                                 {0}
server_name                   stream-server                          1+
server_names_hash_bucket_size stream                                 1
server_names_hash_max_size    stream                                 1
tcp_nodelay                   stream stream-server                   flag
variables_hash_bucket_size    stream                                 1
variables_hash_max_size       stream                                 1

# ngx_stream_access_module
allow                         stream stream-server                   1
deny                          stream stream-server                   1

# ngx_stream_geo_module
geo                           stream                                 {1|2}

# ngx_stream_geoip_module
geoip_country                 stream                                 1
geoip_city                    stream                                 1
geoip_org                     stream                                 1

# ngx_stream_limit_conn_module
limit_conn                    stream stream-server                   2
limit_conn_dry_run            stream stream-server                   flag
limit_conn_log_level          stream stream-server                   1
limit_conn_zone               stream                                 2

# ngx_stream_log_module
access_log                    stream stream-server                   1+
log_format                    stream                                 2+
open_log_file_cache           stream stream-server                   1-4

# ngx_stream_map_module
map                           stream                                 {2}
map_hash_bucket_size          stream                                 1
map_hash_max_size             stream                                 1

# ngx_stream_pass_module
pass                          stream-server                          1

# ngx_stream_proxy_module
proxy_bind                    stream stream-server                   1|2
proxy_buffer_size             stream stream-server                   1
proxy_connect_timeout         stream stream-server                   1
proxy_download_rate           stream stream-server                   1
proxy_half_close              stream stream-server                   flag
proxy_next_upstream           stream stream-server                   flag
proxy_next_upstream_timeout   stream stream-server                   1
proxy_next_upstream_tries     stream stream-server                   1
proxy_pass                    stream-server                          1
proxy_protocol                stream stream-server                   flag
proxy_requests                stream stream-server                   1
proxy_responses               stream stream-server                   1
proxy_socket_keepalive        stream stream-server                   flag
proxy_ssl                     stream stream-server                   flag
proxy_ssl_certificate         stream stream-server                   1
proxy_ssl_certificate_cache   stream stream-server                   1-3
proxy_ssl_certificate_key     stream stream-server                   1
proxy_ssl_ciphers             stream stream-server                   1
proxy_ssl_conf_command        stream stream-server                   2
proxy_ssl_crl                 stream stream-server                   1
proxy_ssl_name                stream stream-server                   1
proxy_ssl_password_file       stream stream-server                   1
proxy_ssl_protocols           stream stream-server                   1+
proxy_ssl_server_name         stream stream-server                   flag
proxy_ssl_session_reuse       stream stream-server                   flag
proxy_ssl_trusted_certificate stream stream-server                   1
proxy_ssl_verify              stream stream-server                   flag
proxy_ssl_verify_depth        stream stream-server                   1
proxy_timeout                 stream stream-server                   1
proxy_upload_rate             stream stream-server                   1

# ngx_stream_realip_module
set_real_ip_from              stream stream-server                   1

# ngx_stream_return_module
return                        stream-server                          1

# ngx_stream_set_module
set                           stream-server                          2

# ngx_stream_split_clients_module
split_clients                 stream                                 {2}

# ngx_stream_ssl_module
ssl_alpn                      stream stream-server                   1+
ssl_certificate               stream stream-server                   1
ssl_certificate_cache         stream stream-server                   1-3
ssl_certificate_key           stream stream-server                   1
ssl_ciphers                   stream stream-server                   1
ssl_client_certificate        stream stream-server                   1
ssl_conf_command              stream stream-server                   2
ssl_crl                       stream stream-server                   1
ssl_dhparam                   stream stream-server                   1
ssl_ecdh_curve                stream stream-server                   1
ssl_handshake_timeout         stream stream-server                   1
ssl_ocsp                      stream stream-server                   1
ssl_ocsp_cache                stream stream-server                   1
ssl_ocsp_responder            stream stream-server                   1
ssl_password_file             stream stream-server                   1
ssl_prefer_server_ciphers     stream stream-server                   flag
ssl_protocols                 stream stream-server                   1+
ssl_reject_handshake          stream stream-server                   flag
ssl_session_cache             stream stream-server                   1|2
ssl_session_ticket_key        stream stream-server                   1
ssl_session_tickets           stream stream-server                   flag
ssl_session_timeout           stream stream-server                   1
ssl_stapling                  stream stream-server                   flag
ssl_stapling_file             stream stream-server                   1
ssl_stapling_responder        stream stream-server                   1
ssl_stapling_verify           stream stream-server                   flag
ssl_trusted_certificate       stream stream-server                   1
ssl_verify_client             stream stream-server                   1
ssl_verify_depth              stream stream-server                   1

# ngx_stream_ssl_preread_module
ssl_preread                   stream stream-server                   flag

# ngx_stream_upstream_module
upstream                      stream                                 {1}
server                        stream-upstream                        1+
hash                          stream-upstream                        1|2
least_conn                    stream-upstream                        0
random                        stream-upstream                        0-2
resolver                      stream-upstream                        1+
resolver_timeout              stream-upstream                        1
zone                          stream-upstream                        1|2
`;

const mailModules = `
# ngx_mail_core_module
listen                        mail-server                            1+
max_errors                    mail mail-server                       1
protocol                      mail-server                            1
resolver                      mail mail-server                       1+
resolver_timeout              mail mail-server                       1
server                        mail                                   {0}
server_name                   mail mail-server                       1
timeout                       mail mail-server                       1

# ngx_mail_auth_http_module
auth_http                     mail mail-server                       1
auth_http_header              mail mail-server                       2
auth_http_pass_client_cert    mail mail-server                       flag
auth_http_timeout             mail mail-server                       1

# ngx_mail_proxy_module
proxy_buffer                  mail mail-server                       1
proxy_pass_error_message      mail mail-server                       flag
proxy_protocol                mail mail-server                       flag
proxy_smtp_auth               mail mail-server                       flag
proxy_timeout                 mail mail-server                       1
xclient                       mail mail-server                       flag

# ngx_mail_realip_module
set_real_ip_from              mail mail-server                       1

# ngx_mail_ssl_module
ssl_certificate               mail mail-server                       1
ssl_certificate_key           mail mail-server                       1
ssl_ciphers                   mail mail-server                       1
ssl_client_certificate        mail mail-server                       1
ssl_conf_command              mail mail-server                       2
ssl_crl                       mail mail-server                       1
ssl_dhparam                   mail mail-server                       1
ssl_ecdh_curve                mail mail-server                       1
ssl_password_file             mail mail-server                       1
ssl_prefer_server_ciphers     mail mail-server                       flag
ssl_protocols                 mail mail-server                       1+
ssl_session_cache             mail mail-server                       1|2
ssl_session_ticket_key        mail mail-server                       1
ssl_session_tickets           mail mail-server                       flag
ssl_session_timeout           mail mail-server                       1
ssl_trusted_certificate       mail mail-server                       1
ssl_verify_client             mail mail-server                       1
ssl_verify_depth              mail mail-server                       1
starttls                      mail mail-server                       1

# ngx_mail_imap_module
imap_auth                     mail mail-server                       1+
imap_capabilities             mail mail-server                       1+
imap_client_buffer            mail mail-server                       1

# ngx_mail_pop3_module
pop3_auth                     mail mail-server                       1+
pop3_capabilities             mail mail-server                       1+

# ngx_mail_smtp_module
smtp_auth                     mail mail-server                       1+
smtp_capabilities             mail mail-server                       1+
smtp_client_buffer            mail mail-server                       1
smtp_greeting_delay           mail mail-server                       1
`;

export const allDirectiveContexts: readonly DirectiveContext[] = [
  'main',
  'events',
  'http',
  'server',
  'location',
  'upstream',
  'server-if',
  'location-if',
  'limit_except',
  'mail',
  'mail-server',
  'stream',
  'stream-server',
  'stream-upstream',
];

const knownContexts: ReadonlySet<string> = new Set(allDirectiveContexts);

function isDirectiveContext(word: string): word is DirectiveContext {
  return knownContexts.has(word);
}

function isMinimum(value: number): value is 0 | 1 | 2 {
  return value === 0 || value === 1 || value === 2;
}

// nginx's ngx_command_t can state at most seven exact arguments (NGX_CONF_TAKE7)
const maximumExactCount = 7;

function parseArgumentRule(text: string, row: string): ArgumentRule {
  if (text === 'flag') return { kind: 'flag' };
  const atLeast = /^(\d)\+$/.exec(text);
  if (atLeast) {
    const minimum = Number(atLeast[1]);
    if (!isMinimum(minimum)) throw new Error(`directive table: "${text}" is not 0+, 1+ or 2+ in: ${row}`);
    return { kind: 'atLeast', minimum };
  }
  const range = /^(\d)-(\d)$/.exec(text);
  const counts = range
    ? Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, index) => Number(range[1]) + index)
    : /^\d(\|\d)*$/.test(text)
      ? text.split('|').map(Number)
      : undefined;
  if (counts === undefined || counts.length === 0 || counts.some((count) => count > maximumExactCount)) {
    throw new Error(`directive table: cannot read the arguments "${text}" in: ${row}`);
  }
  return { kind: 'counts', counts };
}

function parseContexts(words: readonly string[], row: string): DirectiveContext[] {
  if (words.length === 1 && words[0] === 'any') return [...allDirectiveContexts];
  return words.map((word) => {
    if (!isDirectiveContext(word)) throw new Error(`directive table: unknown context "${word}" in: ${row}`);
    return word;
  });
}

interface TableRow {
  readonly name: string;
  readonly signature: DirectiveSignature;
}

function parseRow(row: string): TableRow {
  const words = row.split(/\s+/);
  if (words.length < 3) throw new Error(`directive table: a row needs a name, contexts and arguments: ${row}`);
  const name = words[0];
  const last = words[words.length - 1];
  const block = last.startsWith('{') && last.endsWith('}');
  const argumentText = block ? last.slice(1, -1) : last;
  return {
    name,
    signature: {
      contexts: parseContexts(words.slice(1, -1), row),
      block,
      arguments: parseArgumentRule(argumentText, row),
    },
  };
}

/**
 * The rows of the table texts by directive name, each `*_` row of a "for" group under every
 * prefix's name; a row is read (parseRow) when its name is first looked up.
 */
function indexRows(texts: readonly string[]): ReadonlyMap<string, readonly string[]> {
  const rows = new Map<string, string[]>();
  const add = (name: string, line: string) => {
    const list = rows.get(name);
    if (list === undefined) rows.set(name, [line]);
    else list.push(line);
  };
  for (const text of texts) {
    let prefixes: readonly string[] | undefined;
    for (const rawLine of text.split('\n')) {
      const line = rawLine.trim();
      if (line === '') {
        prefixes = undefined;
        continue;
      }
      if (line.startsWith('#')) continue;
      if (line.startsWith('for ')) {
        prefixes = line.split(/\s+/).slice(1);
        continue;
      }
      const name = line.split(/\s/, 1)[0];
      if (!name.startsWith('*_')) {
        add(name, line);
        continue;
      }
      if (prefixes === undefined) throw new Error(`directive table: "*_" row outside a "for" group: ${line}`);
      for (const prefix of prefixes) add(prefix + name.slice(1), line);
    }
  }
  return rows;
}

function sameArguments(left: ArgumentRule, right: ArgumentRule): boolean {
  if (left.kind === 'counts' && right.kind === 'counts') {
    return left.counts.length === right.counts.length && left.counts.every((count, index) => count === right.counts[index]);
  }
  if (left.kind === 'atLeast' && right.kind === 'atLeast') return left.minimum === right.minimum;
  return left.kind === right.kind;
}

// callers share the table's objects, so none of them may change a signature under the others
function freezeSignature(signature: DirectiveSignature): DirectiveSignature {
  const rule = signature.arguments;
  return Object.freeze({
    contexts: Object.freeze([...signature.contexts]),
    block: signature.block,
    arguments: Object.freeze(rule.kind === 'counts' ? { kind: rule.kind, counts: Object.freeze([...rule.counts]) } : { ...rule }),
  });
}

/** The signatures of one name: its rows, those with the same arguments merged into one. */
function signaturesOf(name: string, rows: readonly string[]): readonly DirectiveSignature[] {
  const signatures: { contexts: DirectiveContext[]; block: boolean; arguments: ArgumentRule }[] = [];
  for (const row of rows) {
    const { signature } = parseRow(row);
    const same = signatures.find((known) => known.block === signature.block && sameArguments(known.arguments, signature.arguments));
    if (same === undefined) {
      signatures.push({ contexts: [...signature.contexts], block: signature.block, arguments: signature.arguments });
      continue;
    }
    same.contexts.push(...signature.contexts);
  }
  // one context, one signature: otherwise a directive's arguments would depend on row order
  const contexts = signatures.flatMap((signature) => signature.contexts);
  const repeated = contexts.find((context, index) => contexts.indexOf(context) !== index);
  if (repeated !== undefined) throw new Error(`directive table: "${name}" is listed twice for ${repeated}`);
  return Object.freeze(signatures.map(freezeSignature));
}

const tableTexts = [coreModule, httpCoreModule, httpModules, httpSslModule, httpUpstreamFamilies, httpUpstreamModules, streamModules, mailModules];
// indexed when first asked, each name read when first looked up: a process that lints a few
// configurations reads the few dozen rows they name
let rowIndex: ReadonlyMap<string, readonly string[]> | undefined;
const signaturesByName = new Map<string, readonly DirectiveSignature[]>();

/** Every directive name the table knows. */
export function tableDirectiveNames(): readonly string[] {
  rowIndex ??= indexRows(tableTexts);
  return [...rowIndex.keys()];
}

/** undefined for a directive the table does not know (third-party modules, typos). */
export function directiveSignatures(name: string): readonly DirectiveSignature[] | undefined {
  const known = signaturesByName.get(name);
  if (known !== undefined) return known;
  rowIndex ??= indexRows(tableTexts);
  const rows = rowIndex.get(name);
  if (rows === undefined) return undefined;
  const signatures = signaturesOf(name, rows);
  signaturesByName.set(name, signatures);
  return signatures;
}
