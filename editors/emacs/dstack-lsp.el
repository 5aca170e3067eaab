;;; dstack-lsp.el --- dstack configuration files with dstack-lsp  -*- lexical-binding: t; -*-

;; Author: dstack-lsp contributors
;; URL: https://github.com/dstack-lsp/dstack-lsp
;; Version: 0.1.0
;; Package-Requires: ((emacs "27.1"))
;; Keywords: languages, tools
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; `dstack-yaml-mode' for dstack configuration files (*.dstack.yml,
;; *.dstack.yaml, .dstack.yml, .dstack.yaml), derived from the best YAML
;; mode at hand (yaml-ts-mode with its grammar, else yaml-mode, else
;; prog-mode), so YAML editing keeps working; and the dstack-lsp server
;; registered with eglot and with lsp-mode, whichever is loaded.
;;
;;   (require 'dstack-lsp)
;;   (add-hook 'dstack-yaml-mode-hook #'eglot-ensure)   ; or #'lsp-deferred
;;
;; The server is told the language is "yaml".

;;; Code:

(require 'yaml-mode nil t)

(defgroup dstack-lsp nil
  "dstack configuration files and the dstack-lsp language server."
  :group 'languages
  :prefix "dstack-lsp-")

(defcustom dstack-lsp-command '("dstack-lsp" "serve")
  "Command line that starts the dstack language server.
Install the server with `uv tool install dstack-lsp' or `pip install dstack-lsp'."
  :type '(repeat string))

(defconst dstack-lsp-file-regexp "\\.dstack\\.ya?ml\\'"
  "File names of dstack configurations.
Matches *.dstack.yml and *.dstack.yaml, and so .dstack.yml and .dstack.yaml.")

(defun dstack-lsp--parent-mode ()
  "The YAML major mode dstack files build on."
  (cond ((and (fboundp 'yaml-ts-mode)
              (fboundp 'treesit-ready-p)
              (treesit-ready-p 'yaml t))
         'yaml-ts-mode)
        ((fboundp 'yaml-mode) 'yaml-mode)
        (t 'prog-mode)))

;; An alias chosen at load time: `define-derived-mode' needs a fixed parent,
;; and `derived-mode-p' follows the alias, so yaml-mode hooks and checks apply.
(defalias 'dstack-lsp-yaml-parent-mode (dstack-lsp--parent-mode))

;;;###autoload
(define-derived-mode dstack-yaml-mode dstack-lsp-yaml-parent-mode "dstack"
  "Major mode for dstack configuration files: YAML plus dstack-lsp."
  (setq-local comment-start "# ")
  (setq-local comment-start-skip "#+[\t ]*"))

;;;###autoload
(add-to-list 'auto-mode-alist (cons dstack-lsp-file-regexp 'dstack-yaml-mode))

(defun dstack-lsp--contact (&rest _)
  "The server command line, read when a server starts."
  dstack-lsp-command)

(with-eval-after-load 'eglot
  (defvar eglot-server-programs)
  ;; In front: the yaml-mode entry would otherwise match first.
  (add-to-list 'eglot-server-programs
               '((dstack-yaml-mode :language-id "yaml") . dstack-lsp--contact)))

(with-eval-after-load 'lsp-mode
  (declare-function lsp-register-client "lsp-mode")
  (declare-function make-lsp-client "lsp-mode")
  (declare-function lsp-stdio-connection "lsp-mode")
  (defvar lsp-language-id-configuration)
  (add-to-list 'lsp-language-id-configuration '(dstack-yaml-mode . "yaml"))
  (lsp-register-client
   (make-lsp-client
    :new-connection (lsp-stdio-connection (lambda () dstack-lsp-command))
    :major-modes '(dstack-yaml-mode)
    :priority 1
    :server-id 'dstack-lsp)))

(provide 'dstack-lsp)
;;; dstack-lsp.el ends here
