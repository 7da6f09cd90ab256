// LMS support widget {{VERSION}} for Open edX MFEs (frontend-plugin-framework).
// Put this file (or merge its pluginSlots entry) in the MFE's env.config.jsx.
import { useEffect } from 'react';
import { DIRECT_PLUGIN, PLUGIN_OPERATIONS } from '@openedx/frontend-plugin-framework';
import { getAuthenticatedUser } from '@edx/frontend-platform/auth';
import { getLocale } from '@edx/frontend-platform/i18n';

const LOADER_URL = '{{LOADER_URL}}';
const LOADER_SRI = '{{LOADER_SRI}}';
const FEED_URL = '{{FEED_URL}}';

// Renders nothing; on first mount it adds the widget's loader to <head>, once per page.
// The course id is not passed: the MFE changes courses without reloading, so the widget reads
// the current course-v1:… id from the address bar when a ticket is written.
const LmsSupportLoader = () => {
  useEffect(() => {
    if (window.LmsSupport || document.querySelector(`script[src="${LOADER_URL}"]`)) {
      return;
    }
    const user = getAuthenticatedUser();
    const script = document.createElement('script');
    script.src = LOADER_URL;
    script.integrity = LOADER_SRI;
    script.crossOrigin = 'anonymous';
    script.defer = true; // no effect on an injected script; kept so the tag matches the docs
    script.dataset.feed = FEED_URL;
    script.dataset.lms = 'openedx';
    script.dataset.locale = getLocale() || 'auto';
    if (user) {
      script.dataset.userName = user.username;
      if (user.administrator) {
        script.dataset.role = 'staff';
      }
    }
    document.head.appendChild(script);
    // No cleanup: the widget outlives the footer (call window.LmsSupport.destroy() to remove it).
  }, []);
  return null;
};

const config = {
  pluginSlots: {
    'org.openedx.frontend.layout.footer.v1': {
      keepDefault: true,
      plugins: [
        {
          op: PLUGIN_OPERATIONS.Insert,
          widget: {
            id: 'lms_support_widget',
            type: DIRECT_PLUGIN,
            priority: 90,
            RenderWidget: LmsSupportLoader,
          },
        },
      ],
    },
  },
};

export default config;
