-- Headless Neovim as certboot's language client: attaches `node dist/server.js --stdio` to the
-- file given on the command line, records every textDocument/publishDiagnostics the server
-- sends for it, and once the server has been quiet for a moment writes the last one, exactly
-- as received, to $CERTBOOT_DIAGNOSTICS. Exits non-zero when nothing arrives in time.
-- Works on Debian's Neovim 0.7 (vim.lsp.start_client) and on 0.8+ (vim.lsp.start).

local server = assert(os.getenv('CERTBOOT_SERVER'), 'CERTBOOT_SERVER is not set')
local root = assert(os.getenv('CERTBOOT_ROOT'), 'CERTBOOT_ROOT is not set')
local output = assert(os.getenv('CERTBOOT_DIAGNOSTICS'), 'CERTBOOT_DIAGNOSTICS is not set')
local timeout = tonumber(os.getenv('CERTBOOT_TIMEOUT_MS') or '20000')
-- the server may publish more than once (open, then the finished analysis): wait for quiet
local quiet = tonumber(os.getenv('CERTBOOT_QUIET_MS') or '1500')

local published = {}
local last_publish_time = nil

local function fail(message)
  io.stderr:write('neovim client: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local function record(err, result, context, config)
  table.insert(published, result)
  last_publish_time = vim.loop.now()
  return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, context, config)
end

local function run()
  local buffer = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_bufnr(buffer)
  local config = {
    name = 'certboot',
    cmd = { 'node', server, '--stdio' },
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
    get_language_id = function() return 'nginx' end,
    handlers = { ['textDocument/publishDiagnostics'] = record },
  }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    if client_id then vim.lsp.buf_attach_client(buffer, client_id) end
  end
  if not client_id then return fail('the language server did not start') end

  local function for_this_file()
    local found = nil
    for _, result in ipairs(published) do
      if result.uri == uri then found = result end
    end
    return found
  end
  local settled = vim.wait(timeout, function()
    return for_this_file() ~= nil and vim.loop.now() - last_publish_time >= quiet
  end, 50)
  if not settled then return fail('no diagnostics for ' .. uri .. ' within ' .. timeout .. ' ms') end

  local file = assert(io.open(output, 'w'))
  file:write(vim.fn.json_encode({ publishCount = #published, last = for_this_file() }))
  file:close()
  vim.lsp.stop_client(client_id)
  vim.wait(2000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 50)
  vim.cmd('qall!')
end

vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  local ok, message = pcall(run)
  if not ok then fail(tostring(message)) end
end })
