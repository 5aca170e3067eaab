-- :DstackOffers in every buffer the dstack server attaches to (Neovim 0.8+; the
-- 0.7 path, require('dstack_lsp').setup(), adds it through on_attach).
if vim.g.loaded_dstack_lsp or vim.fn.has('nvim-0.8') == 0 then
  return
end
vim.g.loaded_dstack_lsp = true

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('dstack_lsp_commands', { clear = true }),
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'dstack' then
      require('dstack_lsp').buffer_commands(client, args.buf)
    end
  end,
})
